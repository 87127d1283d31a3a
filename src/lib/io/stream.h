// stream.h: a byte stream that a Reader or Writer can sit on instead of a bare
// descriptor.  qmail-smtpd talks to its client through one: a plain pair of
// descriptors (FdStream) or a TLS session (tls::TlsStream).  Every call has a
// deadline, so a silent peer never holds a process forever.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/result.h"

namespace qmail::io {

class Stream {
 public:
  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  virtual ~Stream() = default;

  /// Reads at most `n` bytes, waiting at most `timeout_seconds` (0: forever).
  /// Returns 0 at end of input; a temporary error with ETIMEDOUT on timeout.
  virtual Result<std::size_t> read_some(char* buf, std::size_t n, unsigned timeout_seconds) = 0;
  /// Writes all of `s`; each wait for the peer is bounded by `timeout_seconds`.
  virtual Status write_all(std::string_view s, unsigned timeout_seconds) = 0;
};

/// Plain descriptors: `rfd` to read, `wfd` to write (both may be one socket).
/// The descriptors are not owned.
class FdStream final : public Stream {
 public:
  FdStream(int rfd, int wfd) : rfd_(rfd), wfd_(wfd) {}
  Result<std::size_t> read_some(char* buf, std::size_t n, unsigned timeout_seconds) override;
  Status write_all(std::string_view s, unsigned timeout_seconds) override;

 private:
  int rfd_;
  int wfd_;
};

}  // namespace qmail::io
