// records.h: the record files of the queue as qmail-send keeps them: info/S/N
// (`F<sender>\0`), local/S/N and remote/S/N (`T<rcpt>\0` pending, `D<rcpt>\0`
// done), and bounce/N (`<rcpt>\0<report>\0` per permanent failure).  Used by
// qmail-send to read and checkpoint them, and by queue readers (qmail-qread).
// Trust: the files are written by qmail-queue and qmail-send, but a crash or a
// full disk can leave them truncated, so every read is bounded and a damaged
// record is an error, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/reader.h"

namespace qmail::queue {

/// The longest record accepted: qmail-queue refuses longer addresses, and a
/// delivery report is cut to kMaxReport before it is written.
inline constexpr std::size_t kMaxRecord = 64 * 1024;

/// Reads NUL-terminated records one by one from a descriptor it does not own,
/// remembering the offset of each record (for mark_done).  Memory stays bounded
/// by kMaxRecord whatever the file's size.
class RecordReader {
 public:
  explicit RecordReader(int fd, std::uint64_t start = 0) : in_(fd), offset_(start) {}

  /// Reads the next record into `rec` (NUL removed) and its offset into
  /// `offset`.  Returns false at the end of the file.  A record longer than
  /// kMaxRecord is a permanent error; a last record without its NUL is a
  /// permanent error unless `partial` is given, which is then set instead.
  Result<bool> next(std::string& rec, std::uint64_t& offset, bool* partial = nullptr);

 private:
  io::Reader in_;
  std::uint64_t offset_;
};

/// The envelope sender from info/S/N (its `F` record).  A missing file is a
/// temporary error with errnum ENOENT; a damaged one is a permanent error.
Result<std::string> read_info_sender(const std::string& path);

/// Writes `F<sender>\0` to a new info file (truncating an old one) and fsyncs it.
Status write_info(const std::string& path, std::string_view sender);

/// The checkpoint: overwrites the record type at `offset` of `path` with 'D',
/// so a finished recipient is not delivered again.  Not synced (qmail's
/// choice too): after a crash a recipient may be delivered twice, never lost.
Status mark_done(const std::string& path, std::uint64_t offset);

/// Appends `<rcpt>\0<report>\0` to bounce/N (creating it) and fsyncs, so the
/// text of a permanent failure survives a crash before the bounce is sent.
Status append_bounce(const std::string& path, std::string_view rcpt, std::string_view report);

/// Counts the `T` records of a recipient list; `done` gets the `D` records.
/// Used by tests and queue readers.
Result<std::uint64_t> count_pending(const std::string& path, std::uint64_t* done = nullptr);

}  // namespace qmail::queue
