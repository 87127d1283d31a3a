// checkpassword.cc: forks a checkpassword program, feeds it the credentials
// on descriptor 3 and waits for its verdict with a deadline.  No signal
// handler is installed (that belongs to the caller): the child is polled with
// waitpid(WNOHANG), first every millisecond, then less often.
#include "sys/checkpassword.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "base/fd.h"

extern char** environ;

namespace qmail::sys {

namespace {

using Clock = std::chrono::steady_clock;

// The longest pause between two looks at the child: bounds the latency an
// answer can wait unnoticed.
constexpr int kMaxPollMs = 50;

// Gives `fd` a number above 3, so that the child's dup2 onto 0..3 cannot
// overwrite it before it has been used (a caller may run with 0..2 closed).
Result<Fd> above_three(Fd fd) {
  if (fd.get() > 3) return fd;
  int n = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 4);
  if (n == -1) return sys_error("unable to duplicate descriptor");
  return Fd(n);
}

// The caller's environment with `add` laid over it: an added NAME=value
// replaces the caller's NAME.
std::vector<std::string> merged_environment(const std::vector<std::string>& add) {
  auto name_of = [](std::string_view e) { return e.substr(0, e.find('=')); };
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view cur = *e;
    bool replaced = std::any_of(add.begin(), add.end(),
                                [&](const std::string& a) { return name_of(a) == name_of(cur); });
    if (!replaced) out.emplace_back(cur);
  }
  out.insert(out.end(), add.begin(), add.end());
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& v) {
  std::vector<char*> p;
  p.reserve(v.size() + 1);
  for (auto& s : v) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

// Everything the child needs, prepared before fork: after it only
// async-signal-safe calls are made.
struct ChildPlan {
  char** argv;
  char** envp;
  int devnull;
  int input;
  bool have_stderr;
  const std::string* exec_failed;
};

[[noreturn]] void run_child(const ChildPlan& c) {
  // Its own process group, so a timeout kills whatever it started too.
  ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &dfl, nullptr);
  bool ok = ::dup2(c.devnull, 0) == 0;
  if (c.have_stderr) {
    ok = ok && ::dup2(2, 1) == 1 && ::fcntl(2, F_SETFD, 0) == 0;
  } else {
    ok = ok && ::dup2(c.devnull, 1) == 1 && ::dup2(c.devnull, 2) == 2;
  }
  ok = ok && ::dup2(c.input, 3) == 3;
  if (ok) ::execve(c.argv[0], c.argv, c.envp);
  ssize_t n = ::write(2, c.exec_failed->data(), c.exec_failed->size());
  (void)n;
  ::_exit(111);
}

// Blocks SIGPIPE while the credentials are written, and swallows one raised
// by those writes, so a program that exits without reading descriptor 3
// cannot kill a caller that forgot to ignore SIGPIPE.
class SigpipeShield {
 public:
  SigpipeShield() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    ::sigprocmask(SIG_BLOCK, &s, &old_);
    sigset_t pending;
    was_pending_ = ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeShield() {
    sigset_t pending;
    if (!was_pending_ && ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
      sigset_t s;
      sigemptyset(&s);
      sigaddset(&s, SIGPIPE);
      struct timespec zero {};
      ::sigtimedwait(&s, nullptr, &zero);
    }
    ::sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeShield(const SigpipeShield&) = delete;
  SigpipeShield& operator=(const SigpipeShield&) = delete;

 private:
  sigset_t old_;
  bool was_pending_ = false;
};

// Writes what the pipe takes now; closes `out` when all is written or the
// reader is gone (the exit status then tells the story).
void feed(Fd& out, std::string_view data, std::size_t& sent) {
  SigpipeShield shield;
  while (sent < data.size()) {
    ssize_t n = ::write(out.get(), data.data() + sent, data.size() - sent);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n == -1 && errno == EINTR) continue;
    if (n == -1 && errno == EAGAIN) return;
    break;
  }
  out.reset();
}

CheckResult classify(int status) {
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    if (code == 0) return CheckResult::kAccepted;
    if (code == 1 || code == 100) return CheckResult::kRejected;
  }
  return CheckResult::kTemporary;
}

void kill_and_reap(pid_t pid) {
  if (::kill(-pid, SIGKILL) == -1) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1 && errno == EINTR) {
  }
}

}  // namespace

Result<CheckResult> run_checkpassword(const std::vector<std::string>& argv, std::string_view user,
                                      std::string_view secret, std::string_view extra,
                                      unsigned timeout_seconds,
                                      const std::vector<std::string>& env) {
  if (argv.empty() || argv[0].empty())
    return Error{ErrorKind::kBug, 0, "no checkpassword program given"};
  std::string data;
  data.reserve(user.size() + secret.size() + extra.size() + 3);
  data.append(user).push_back('\0');
  data.append(secret).push_back('\0');
  data.append(extra).push_back('\0');

  Fd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devnull.valid()) return sys_error("unable to open /dev/null");
  auto null_fd = above_three(std::move(devnull));
  if (!null_fd) return null_fd.error();
  auto pipe = make_pipe();
  if (!pipe) return pipe.error();
  auto input = above_three(std::move(pipe->read));
  if (!input) return input.error();
  Fd out = std::move(pipe->write);
  if (::fcntl(out.get(), F_SETFL, O_NONBLOCK) == -1) return sys_error("unable to set O_NONBLOCK");

  std::vector<std::string> args = argv;
  std::vector<std::string> envs = merged_environment(env);
  std::vector<char*> argp = pointers(args);
  std::vector<char*> envp = pointers(envs);
  const std::string exec_failed = "unable to run checkpassword program " + argv[0] + "\n";
  ChildPlan plan{argp.data(), envp.data(), null_fd->get(), input->get(), ::fcntl(2, F_GETFD) != -1,
                 &exec_failed};

  pid_t pid = ::fork();
  if (pid == -1) return sys_error("unable to fork for checkpassword");
  if (pid == 0) run_child(plan);
  ::setpgid(pid, pid);  // also here, so a timeout finds the group at once
  null_fd->reset();
  input->reset();

  // At least one second: 0 would kill every program before it could answer.
  const auto deadline = Clock::now() + std::chrono::seconds(std::max(timeout_seconds, 1u));
  std::size_t sent = 0;
  int pause_ms = 1;
  for (;;) {
    if (out.valid()) feed(out, data, sent);
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return classify(status);
    // Only ECHILD gets here: someone else reaped it, and the pid may be
    // another process's by now, so it must not be killed.
    if (r == -1 && errno != EINTR) return sys_error("unable to wait for checkpassword");
    auto now = Clock::now();
    if (now >= deadline) {
      kill_and_reap(pid);
      return CheckResult::kTemporary;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    int wait_ms = static_cast<int>(std::min<long long>(pause_ms, left));
    pause_ms = std::min(pause_ms * 2, kMaxPollMs);
    if (out.valid()) {
      // Wakes early when the pipe has room again.
      struct pollfd p {
        out.get(), POLLOUT, 0
      };
      ::poll(&p, 1, wait_ms);
    } else {
      ::poll(nullptr, 0, wait_ms);
    }
  }
}

}  // namespace qmail::sys
