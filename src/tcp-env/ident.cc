#include "ident.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "base/fd.h"
#include "parse/ident_reply.h"

namespace qmail::tcpenv {

namespace {
std::int64_t now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

/// Waits until `fd` is ready for `events` or the deadline passes.
bool wait_for(int fd, short events, std::int64_t deadline) {
  for (;;) {
    std::int64_t left = deadline - now_ms();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left > 60000 ? 60000 : left));
    if (r > 0) return true;
    if (r == -1 && errno != EINTR) return false;
  }
}

bool connect_by(int fd, const net::IpAddress& remote, std::uint16_t port, std::int64_t deadline) {
  sockaddr_storage ss;
  socklen_t len = net::to_sockaddr(remote, port, ss);
  if (len == 0) return false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) return true;
  if (errno != EINPROGRESS && errno != EINTR) return false;
  if (!wait_for(fd, POLLOUT, deadline)) return false;
  int err = 0;
  socklen_t elen = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1) return false;
  return err == 0;
}

bool send_by(int fd, std::string_view s, std::int64_t deadline) {
  while (!s.empty()) {
    if (!wait_for(fd, POLLOUT, deadline)) return false;
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n > 0) {
      s.remove_prefix(static_cast<std::size_t>(n));
    } else if (n == -1 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return false;
    }
  }
  return true;
}

/// One line (up to LF, end of input or kMaxIdentLine bytes).
std::optional<std::string> read_line_by(int fd, std::int64_t deadline) {
  std::string line;
  char buf[256];
  while (line.size() < parse::kMaxIdentLine && line.find('\n') == std::string::npos) {
    if (!wait_for(fd, POLLIN, deadline)) return std::nullopt;
    std::size_t room = parse::kMaxIdentLine - line.size();
    ssize_t n = ::recv(fd, buf, room < sizeof buf ? room : sizeof buf, 0);
    if (n == 0) break;
    if (n == -1) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return std::nullopt;
    }
    line.append(buf, static_cast<std::size_t>(n));
  }
  auto nl = line.find('\n');
  if (nl != std::string::npos) line.resize(nl + 1);
  return line;
}
}  // namespace

std::optional<std::string> ask_ident(const net::IpAddress& local, std::uint16_t local_port,
                                     const net::IpAddress& remote, std::uint16_t remote_port,
                                     unsigned timeout_seconds, std::uint16_t server_port) {
  if (timeout_seconds == 0 || local.family != remote.family) return std::nullopt;
  std::int64_t deadline = now_ms() + static_cast<std::int64_t>(timeout_seconds) * 1000;
  Fd fd(::socket(remote.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return std::nullopt;
  // from the address the peer connected to, so a multi-homed host asks as the
  // host the peer knows
  sockaddr_storage ss;
  socklen_t len = net::to_sockaddr(local, 0, ss);
  if (len == 0 || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) == -1)
    return std::nullopt;
  if (!connect_by(fd.get(), remote, server_port, deadline)) return std::nullopt;
  if (!send_by(fd.get(), parse::ident_query(remote_port, local_port), deadline))
    return std::nullopt;
  auto line = read_line_by(fd.get(), deadline);
  if (!line) return std::nullopt;
  auto user = parse::parse_ident_reply(*line, remote_port, local_port);
  if (!user) return std::nullopt;
  return std::move(user).value();
}

}  // namespace qmail::tcpenv
