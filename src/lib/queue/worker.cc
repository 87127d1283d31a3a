#include "queue/worker.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/reader.h"
#include "io/writer.h"

namespace qmail::queue {

namespace {

void put_length(unsigned char* p, std::size_t n) {
  auto v = static_cast<std::uint32_t>(n);
  p[0] = static_cast<unsigned char>(v >> 24);
  p[1] = static_cast<unsigned char>(v >> 16);
  p[2] = static_cast<unsigned char>(v >> 8);
  p[3] = static_cast<unsigned char>(v);
}

std::size_t get_length(const unsigned char* p) {
  return (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) |
         std::size_t{p[3]};
}

// Reads exactly `n` bytes; false at end of input (errno 0) or on an error.
bool read_exact(int fd, char* p, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r == -1 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = 0;
      return false;
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// Writes all of `s` without blocking for good: an idle worker reads at once,
// and one that takes no byte for 30 s is stuck.
Status send_within(int sock, std::string_view s) {
  constexpr unsigned kJobTimeout = 30;
  while (!s.empty()) {
    ssize_t w = ::send(sock, s.data(), s.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (w >= 0) {
      s.remove_prefix(static_cast<std::size_t>(w));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return sys_error("unable to pass a job to a worker");
    auto ready = io::wait_ready(sock, true, kJobTimeout);
    if (!ready) return ready.error();
    if (!*ready) return Error{ErrorKind::kTemporary, ETIMEDOUT, "a worker does not take its job"};
  }
  return {};
}

}  // namespace

Status send_worker_job(int sock, int message_fd, const std::vector<std::string>& args) {
  std::string body;
  for (const std::string& a : args) {
    if (a.find('\0') != std::string::npos) return perm_error("a job argument holds a NUL");
    body += a;
    body.push_back('\0');
  }
  if (body.size() > kMaxWorkerJob) return perm_error("the job is too large for a worker");
  unsigned char header[4];
  put_length(header, body.size());
  iovec iov{header, sizeof header};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cm), &message_fd, sizeof(int));
  ssize_t r;
  do {
    r = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (r == -1 && errno == EINTR);
  if (r == -1) return sys_error("unable to pass a job to a worker");
  // A stream socket takes the 4 bytes with their descriptor at once or not at all in practice;
  // should it take fewer, the rest goes as plain bytes (the descriptor went with the first).
  auto sent = static_cast<std::size_t>(r);
  if (sent < sizeof header)
    if (auto st = send_within(
            sock, std::string_view(reinterpret_cast<char*>(header) + sent, sizeof header - sent));
        !st)
      return st;
  return send_within(sock, body);
}

Result<std::optional<WorkerJob>> receive_worker_job(int sock, std::size_t max) {
  unsigned char header[4];
  std::size_t got = 0;
  Fd message;
  while (got < sizeof header) {
    iovec iov{header + got, sizeof header - got};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t r = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (r == -1) {
      if (errno == EINTR) continue;
      return sys_error("unable to read a job");
    }
    for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
      if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
      std::size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < n; ++i) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
        if (!message.valid())
          message = Fd(fd);
        else
          ::close(fd);  // only one is expected
      }
    }
    if (msg.msg_flags & MSG_CTRUNC) return temp_error("a job came with too many descriptors");
    if (r == 0) {
      if (got == 0) return std::optional<WorkerJob>();
      return temp_error("a job ended early");
    }
    got += static_cast<std::size_t>(r);
  }
  std::size_t len = get_length(header);
  if (len > max) return temp_error("a job is too large");
  if (!message.valid()) return temp_error("a job came without its message");
  std::string body(len, '\0');
  if (!read_exact(sock, body.data(), len)) return temp_error("a job ended early");
  if (len > 0 && body.back() != '\0') return temp_error("a job's last argument has no end");
  WorkerJob job;
  job.message = std::move(message);
  for (std::size_t pos = 0; pos < len;) {
    std::size_t nul = body.find('\0', pos);
    job.args.push_back(body.substr(pos, nul - pos));
    pos = nul + 1;
  }
  return std::optional<WorkerJob>(std::move(job));
}

Status send_worker_reply(int sock, std::string_view report) {
  if (report.size() > kMaxWorkerReply) report = report.substr(0, kMaxWorkerReply);
  std::string out(4, '\0');
  put_length(reinterpret_cast<unsigned char*>(out.data()), report.size());
  out.append(report);
  return io::write_all(sock, out);
}

WorkerReplyReader::State WorkerReplyReader::feed(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size() && state_ != State::kBroken;) {
    if (state_ == State::kDone) {
      state_ = State::kBroken;  // the worker spoke out of turn
      break;
    }
    if (header_len_ < sizeof header_) {
      header_[header_len_++] = static_cast<unsigned char>(bytes[i++]);
      if (header_len_ < sizeof header_) continue;
      want_ = get_length(header_);
      if (want_ > max_) {
        state_ = State::kBroken;
        break;
      }
      body_.reserve(want_);
    } else {
      std::size_t take = std::min(want_ - body_.size(), bytes.size() - i);
      body_.append(bytes.substr(i, take));
      i += take;
    }
    if (header_len_ == sizeof header_ && body_.size() == want_) state_ = State::kDone;
  }
  return state_;
}

void WorkerReplyReader::reset() {
  state_ = State::kMore;
  header_len_ = 0;
  want_ = 0;
  body_.clear();
}

}  // namespace qmail::queue
