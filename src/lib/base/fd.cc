#include "base/fd.h"

#include <fcntl.h>

namespace qmail {

Status Fd::close() {
  int fd = release();
  if (fd < 0) return {};
  if (::close(fd) == -1 && errno != EINTR) return sys_error("unable to close");
  return {};
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<Pipe> make_pipe() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) == -1) return sys_error("unable to create pipe");
  return Pipe{Fd(p[0]), Fd(p[1])};
}

bool move_fd_to(int from, int to) {
  if (from == to) {
    int flags = fcntl(to, F_GETFD);
    return flags != -1 && fcntl(to, F_SETFD, flags & ~FD_CLOEXEC) != -1;
  }
  if (dup2(from, to) == -1) return false;
  ::close(from);
  return true;
}

}  // namespace qmail
