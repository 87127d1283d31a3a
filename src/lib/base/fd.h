// fd.h: Fd owns one file descriptor.  Move-only; close() reports errors that
// matter (NFS and full disks report them at close), the destructor ignores them.
#pragma once

#include <unistd.h>

#include <utility>

#include "base/result.h"

namespace qmail {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }

  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  /// Gives up ownership and returns the descriptor.
  [[nodiscard]] int release() { return std::exchange(fd_, -1); }
  /// Closes now; a temporary error when close(2) fails.
  [[nodiscard]] Status close();
  void reset();

 private:
  int fd_ = -1;
};

/// A pipe, both ends close-on-exec.  [0] reads, [1] writes.
struct Pipe {
  Fd read;
  Fd write;
};
[[nodiscard]] Result<Pipe> make_pipe();

/// Moves `from` onto descriptor number `to` (for a child before exec), clearing
/// close-on-exec; returns false on failure.
bool move_fd_to(int from, int to);

}  // namespace qmail
