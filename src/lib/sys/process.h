// process.h: starting and reaping child processes.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace qmail::sys {

struct ExitStatus {
  bool exited = false;  // true: normal exit with `code`; false: killed by `signal`
  int code = 0;
  int signal = 0;
  [[nodiscard]] bool crashed() const { return !exited; }
};

/// Waits for `pid`, retrying EINTR.
Result<ExitStatus> wait_for(pid_t pid);
/// Reaps any finished child without blocking; pid 0 when none.
Result<pid_t> reap_any(ExitStatus& status);

/// execvp of `argv`; returns only on failure (with errno set).
void exec_argv(const std::vector<std::string>& argv);

/// execv of a path with argv; returns only on failure.
void exec_path(const std::string& path, const std::vector<std::string>& argv);

}  // namespace qmail::sys
