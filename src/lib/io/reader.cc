#include "io/reader.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace qmail::io {

Result<bool> wait_ready(int fd, bool for_write, unsigned timeout_seconds) {
  if (timeout_seconds == 0) return true;
  struct pollfd p = {fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  for (;;) {
    int r = ::poll(&p, 1, static_cast<int>(timeout_seconds) * 1000);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return sys_error("unable to poll");
  }
}

Result<std::size_t> FdStream::read_some(char* buf, std::size_t n, unsigned timeout_seconds) {
  auto ready = wait_ready(rfd_, false, timeout_seconds);
  if (!ready) return ready.error();
  if (!*ready) return Error{ErrorKind::kTemporary, ETIMEDOUT, "timeout while reading"};
  for (;;) {
    ssize_t r = ::read(rfd_, buf, n);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno != EINTR) return sys_error("unable to read");
  }
}

Result<std::size_t> Reader::raw_read(char* buf, std::size_t n) {
  if (stream_) return stream_->read_some(buf, n, timeout_);
  return FdStream(fd_, -1).read_some(buf, n, timeout_);
}

Result<std::size_t> Reader::fill() {
  auto r = raw_read(buf_, sizeof buf_);
  if (!r) return r.error();
  pos_ = 0;
  len_ = *r;
  return len_;
}

Result<std::string_view> Reader::peek() {
  if (pos_ == len_) {
    auto n = fill();
    if (!n) return n.error();
  }
  return std::string_view(buf_ + pos_, len_ - pos_);
}

Result<bool> Reader::skip_past(char delim) {
  for (;;) {
    if (pos_ == len_) {
      auto n = fill();
      if (!n) return n.error();
      if (*n == 0) return false;
    }
    const void* hit = std::memchr(buf_ + pos_, delim, len_ - pos_);
    if (hit) {
      pos_ = static_cast<std::size_t>(static_cast<const char*>(hit) - buf_) + 1;
      return true;
    }
    pos_ = len_;
  }
}

Result<bool> Reader::getline(std::string& line, char delim, std::size_t max, bool* complete) {
  line.clear();
  if (complete) *complete = true;
  for (;;) {
    if (pos_ == len_) {
      auto n = fill();
      if (!n) return n.error();
      if (*n == 0) {
        if (line.empty()) return false;
        if (complete) *complete = false;
        return true;
      }
    }
    const char* start = buf_ + pos_;
    const void* hit = std::memchr(start, delim, len_ - pos_);
    std::size_t take =
        hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - start) : len_ - pos_;
    if (line.size() + take > max) return perm_error("line too long");
    line.append(start, take);
    pos_ += take;
    if (hit) {
      ++pos_;
      return true;
    }
  }
}

Result<std::size_t> Reader::read(char* buf, std::size_t n) {
  if (pos_ == len_) {
    if (n >= sizeof buf_) return raw_read(buf, n);  // large reads bypass the buffer
    auto got = fill();
    if (!got) return got.error();
    if (*got == 0) return std::size_t{0};
  }
  std::size_t take = std::min(n, len_ - pos_);
  std::memcpy(buf, buf_ + pos_, take);
  pos_ += take;
  return take;
}

Status Reader::read_all(std::string& out, std::size_t max) {
  char tmp[16384];
  for (;;) {
    auto n = read(tmp, sizeof tmp);
    if (!n) return n.error();
    if (*n == 0) return {};
    if (out.size() + *n > max) return perm_error("input too large");
    out.append(tmp, *n);
  }
}

Result<bool> Reader::get(char& c) {
  auto n = read(&c, 1);
  if (!n) return n.error();
  return *n == 1;
}

}  // namespace qmail::io
