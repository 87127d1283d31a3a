#include "net/connect.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>

namespace qmail::net {

namespace {
long long now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Error connect_error(int err) {
  errno = err;
  return sys_error("unable to connect");
}
}  // namespace

Result<Fd> tcp_connect(const IpAddress& ip, std::uint16_t port, const IpAddress& source,
                       unsigned timeout_seconds) {
  sockaddr_storage to{};
  socklen_t to_len = to_sockaddr(ip, port, to);
  if (to_len == 0) return temp_error("unable to connect: no address");
  Fd fd(::socket(to.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() == -1) return sys_error("unable to create a socket");
  if (source.family == ip.family) {
    sockaddr_storage from{};
    socklen_t from_len = to_sockaddr(source, 0, from);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&from), from_len) == -1)
      return sys_error("unable to bind to the outgoing address");
  }
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&to), to_len) == -1) {
    if (errno != EINPROGRESS && errno != EINTR) return connect_error(errno);
    long long deadline = timeout_seconds ? now_ms() + timeout_seconds * 1000LL : 0;
    for (;;) {
      int wait = -1;
      if (deadline) {
        long long left = deadline - now_ms();
        if (left <= 0) return connect_error(ETIMEDOUT);
        wait = static_cast<int>(left);
      }
      pollfd p{fd.get(), POLLOUT, 0};
      int r = ::poll(&p, 1, wait);
      if (r == -1) {
        if (errno == EINTR) continue;
        return sys_error("unable to wait for the connection");
      }
      if (r == 0) continue;  // the deadline check above ends it
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) == -1) err = errno;
      if (err != 0) return connect_error(err);
      break;
    }
  }
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags == -1 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) == -1)
    return sys_error("unable to set the socket blocking");
  // Commands and the message go out in whole buffers (DESIGN §7): no Nagle delay
  // on the last short segment of a command or of the data.
  int one = 1;
  (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace qmail::net
