#include "sys/process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace qmail::sys {

namespace {
ExitStatus decode(int w) {
  ExitStatus s;
  if (WIFEXITED(w)) {
    s.exited = true;
    s.code = WEXITSTATUS(w);
  } else if (WIFSIGNALED(w)) {
    s.signal = WTERMSIG(w);
  }
  return s;
}

std::vector<char*> to_argv(const std::vector<std::string>& argv) {
  std::vector<char*> v;
  v.reserve(argv.size() + 1);
  for (const auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
  v.push_back(nullptr);
  return v;
}
}  // namespace

Result<ExitStatus> wait_for(pid_t pid) {
  int w = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &w, 0);
    if (r == pid) return decode(w);
    if (r == -1 && errno != EINTR) return sys_error("unable to wait for child");
  }
}

Result<pid_t> reap_any(ExitStatus& status) {
  int w = 0;
  for (;;) {
    pid_t r = ::waitpid(-1, &w, WNOHANG);
    if (r > 0) {
      status = decode(w);
      return r;
    }
    if (r == 0 || (r == -1 && errno == ECHILD)) return pid_t{0};
    if (errno != EINTR) return sys_error("unable to wait for child");
  }
}

void exec_argv(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    errno = EINVAL;
    return;
  }
  auto v = to_argv(argv);
  ::execvp(v[0], v.data());
}

void exec_path(const std::string& path, const std::vector<std::string>& argv) {
  auto v = to_argv(argv);
  ::execv(path.c_str(), v.data());
}

}  // namespace qmail::sys
