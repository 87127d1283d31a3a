// reader.h: a buffered reader over a descriptor it does not own, with an
// optional deadline per read and bounded lines.  Used on pipes, files and
// sockets; every read is bounded by the buffer or by the caller's limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/stream.h"

namespace qmail::io {

class Reader {
 public:
  /// `timeout_seconds` of 0 means wait forever (pipes from trusted peers).
  explicit Reader(int fd, unsigned timeout_seconds = 0) : fd_(fd), timeout_(timeout_seconds) {}
  /// Reads from `stream` (not owned) instead of a descriptor.
  explicit Reader(Stream& stream, unsigned timeout_seconds = 0)
      : fd_(-1), stream_(&stream), timeout_(timeout_seconds) {}

  /// Reads up to and including `delim` into `line` (delimiter removed).
  /// Returns true for a line, false at end of input with nothing read.  A last
  /// line without delimiter is returned with `*complete` set to false.  A line
  /// longer than `max` is a permanent error (the rest is not consumed).
  Result<bool> getline(std::string& line, char delim, std::size_t max, bool* complete = nullptr);

  /// Reads at most `n` bytes; returns 0 at end of input.
  Result<std::size_t> read(char* buf, std::size_t n);

  /// Appends everything up to end of input to `out`, failing permanently past `max` bytes.
  Status read_all(std::string& out, std::size_t max);

  /// Reads one byte; false at end of input.
  Result<bool> get(char& c);

  [[nodiscard]] int fd() const { return fd_; }
  /// Bytes already buffered and not yet consumed.
  [[nodiscard]] std::size_t buffered() const { return len_ - pos_; }
  /// Throws away what is buffered (input pipelined before STARTTLS, say).
  void discard_buffered() { pos_ = len_ = 0; }
  /// Reads and throws away input up to and including `delim`; false at end of input.
  Result<bool> skip_past(char delim);
  /// The buffered bytes, reading more first when none are buffered; empty at
  /// end of input.  The view is valid until the next call; consume() what was used.
  Result<std::string_view> peek();
  void consume(std::size_t n) { pos_ += n < len_ - pos_ ? n : len_ - pos_; }

 private:
  Result<std::size_t> fill();
  Result<std::size_t> raw_read(char* buf, std::size_t n);

  int fd_;
  Stream* stream_ = nullptr;
  unsigned timeout_;
  char buf_[8192];
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
};

/// Waits until `fd` is readable (or writable when `for_write`); false on timeout.
Result<bool> wait_ready(int fd, bool for_write, unsigned timeout_seconds);

}  // namespace qmail::io
