#include "sys/lock.h"

#include <unistd.h>

#include <cerrno>

#include "config.h"
#if QM_LOCK_FLOCK
#include <sys/file.h>
#endif

namespace qmail::sys {

namespace {
int do_lock(int fd, bool wait) {
#if QM_LOCK_FLOCK
  return ::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
#else
  if (::lseek(fd, 0, SEEK_SET) == -1) return -1;
  return ::lockf(fd, wait ? F_LOCK : F_TLOCK, 0);
#endif
}
}  // namespace

Status lock_exclusive(int fd) {
  while (do_lock(fd, true) == -1) {
    if (errno != EINTR) return sys_error("unable to lock");
  }
  return {};
}

Result<bool> try_lock_exclusive(int fd) {
  for (;;) {
    if (do_lock(fd, false) == 0) return true;
    if (errno == EWOULDBLOCK || errno == EAGAIN || errno == EACCES) return false;
    if (errno != EINTR) return sys_error("unable to lock");
  }
}

Status unlock(int fd) {
#if QM_LOCK_FLOCK
  if (::flock(fd, LOCK_UN) == -1) return sys_error("unable to unlock");
#else
  if (::lseek(fd, 0, SEEK_SET) == -1 || ::lockf(fd, F_ULOCK, 0) == -1)
    return sys_error("unable to unlock");
#endif
  return {};
}

}  // namespace qmail::sys
