// writer.h: a buffered writer over a descriptor it does not own.  Every write
// is checked, short writes and EINTR are retried, and whole buffers go out at
// once (small socket writes cost round trips, DESIGN §7).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "io/stream.h"

namespace qmail::io {

class Writer {
 public:
  explicit Writer(int fd, unsigned timeout_seconds = 0, std::size_t capacity = 8192)
      : fd_(fd), timeout_(timeout_seconds), cap_(capacity) {
    buf_.reserve(cap_);
  }
  /// Writes to `stream` (not owned) instead of a descriptor.
  explicit Writer(Stream& stream, unsigned timeout_seconds = 0, std::size_t capacity = 8192)
      : fd_(-1), stream_(&stream), timeout_(timeout_seconds), cap_(capacity) {
    buf_.reserve(cap_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// Buffers `s`, writing out whenever the buffer fills.
  Status put(std::string_view s);
  Status put(char c) { return put(std::string_view(&c, 1)); }
  /// Writes everything buffered.
  Status flush();
  [[nodiscard]] int fd() const { return fd_; }
  /// Bytes buffered and not yet written.
  [[nodiscard]] std::size_t pending() const { return buf_.size(); }

 private:
  Status raw_write(std::string_view s);

  int fd_;
  Stream* stream_ = nullptr;
  unsigned timeout_;
  std::size_t cap_;
  std::string buf_;
};

/// Writes all of `s` to `fd` unbuffered, retrying short writes and EINTR.
Status write_all(int fd, std::string_view s, unsigned timeout_seconds = 0);

}  // namespace qmail::io
