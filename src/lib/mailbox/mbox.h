// mbox.h: writing messages in mbox format (mbox(5)): the From_ line, >From
// quoting, the blank line that ends each message, and appending one message to
// an mbox file under a lock, truncating back on any failure (DESIGN §6).
// Called by qmail-local (mbox lines of .qmail files) and maildir2mbox.  The
// message bytes are untrusted: any bytes, any line length; memory use does not
// grow with them.  The file name is trusted (it comes from the user's .qmail).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/writer.h"

namespace qmail::mailbox {

/// How long qmail-local waits for the lock of an mbox before deferring.
inline constexpr unsigned kMboxLockSeconds = 30;

/// >From quoting as a stream: a '>' goes in front of every line that starts
/// with any number of '>' followed by "From " (so the quoting can be undone).
/// State is a few counters, whatever the line lengths.
class FromQuoter {
 public:
  /// Appends the quoted form of `chunk` to `out`.
  void feed(std::string_view chunk, std::string& out);
  /// Ends the message: a newline when the last line was partial, then the
  /// blank line that separates messages.  The quoter is then ready for another.
  void finish(std::string& out);

 private:
  enum class State { kLineStart, kMatching, kBody };
  State state_ = State::kLineStart;
  std::size_t matched_ = 0;  // bytes of "From " seen after the '>' run
  bool partial_ = false;     // bytes written since the last newline
};

/// Reads the message from `message_fd` (from its current offset to the end)
/// and writes it to `out` with >From quoting and the final blank line.
/// A temporary error; `*read_failed` tells whether reading the message failed
/// (otherwise writing did).
Status write_mbox_message(int message_fd, io::Writer& out, bool* read_failed);

enum class MboxFailure { kNone, kOpen, kLockTimeout, kReadMessage, kWrite };

/// Appends `head` (the From_, Return-Path and Delivered-To lines) and the
/// message from `message_fd` to the mbox `path`, created 0600 if missing.
/// Locks it (giving up after `lock_seconds` while someone else holds it;
/// going on unlocked when the file cannot be locked at all, as qmail does),
/// writes, fsyncs.  On a failure after the lock the file is truncated back to
/// its old size.  Errors are temporary; `*failure` says which step failed.
Status append_to_mbox(const std::string& path, std::string_view head, int message_fd,
                      unsigned lock_seconds, MboxFailure* failure);

/// The sender in a "Return-Path: <sender>" line (without its newline), as
/// maildir2mbox uses it for the From_ line; nullopt when it is not one.
std::optional<std::string> return_path_sender(std::string_view line);

}  // namespace qmail::mailbox
