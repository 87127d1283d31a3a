#include "io/writer.h"

#include <unistd.h>

#include <cerrno>

#include "io/reader.h"

namespace qmail::io {

Status write_all(int fd, std::string_view s, unsigned timeout_seconds) {
  while (!s.empty()) {
    auto ready = wait_ready(fd, true, timeout_seconds);
    if (!ready) return ready.error();
    if (!*ready) return Error{ErrorKind::kTemporary, ETIMEDOUT, "timeout while writing"};
    ssize_t w = ::write(fd, s.data(), s.size());
    if (w < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return sys_error("unable to write");
    }
    s.remove_prefix(static_cast<std::size_t>(w));
  }
  return {};
}

Status FdStream::write_all(std::string_view s, unsigned timeout_seconds) {
  return io::write_all(wfd_, s, timeout_seconds);
}

Status Writer::raw_write(std::string_view s) {
  if (stream_) return stream_->write_all(s, timeout_);
  return write_all(fd_, s, timeout_);
}

Status Writer::put(std::string_view s) {
  if (buf_.size() + s.size() <= cap_) {
    buf_.append(s);
    return {};
  }
  if (auto st = flush(); !st) return st;
  if (s.size() >= cap_) return raw_write(s);
  buf_.append(s);
  return {};
}

Status Writer::flush() {
  if (buf_.empty()) return {};
  auto st = raw_write(buf_);
  buf_.clear();
  return st;
}

}  // namespace qmail::io
