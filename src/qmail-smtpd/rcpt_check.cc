#include "rcpt_check.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "sys/process.h"

namespace qmail::smtpd {

namespace {

// The program may be slow (a directory lookup); it is bounded by an alarm
// that survives exec, so a hung checker is killed, not waited for forever.
constexpr unsigned kCheckSeconds = 60;

RcptVerdict run_program(const std::vector<std::string>& argv0, std::string_view sender,
                        std::string_view address) {
  std::vector<std::string> argv = argv0;
  argv.emplace_back(address);
  pid_t pid = ::fork();
  if (pid == -1) return RcptVerdict::kTemporary;
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDWR);
    if (null == -1 || ::dup2(null, 0) == -1 || ::dup2(2, 1) == -1) _exit(111);
    ::setenv("SENDER", std::string(sender).c_str(), 1);
    ::setenv("RECIPIENT", std::string(address).c_str(), 1);
    ::alarm(kCheckSeconds);
    sys::exec_path(argv[0], argv);
    _exit(111);
  }
  auto st = sys::wait_for(pid);
  if (!st || st->crashed()) return RcptVerdict::kTemporary;
  if (st->code == 0) return RcptVerdict::kAccept;
  if (st->code == 100) return RcptVerdict::kUnknown;
  return RcptVerdict::kTemporary;
}

}  // namespace

RcptVerdict check_recipient(const Config& cfg, std::string_view sender, std::string_view address) {
  if (cfg.recipients) {
    auto v = cfg.recipients->check(address);
    if (!v) return RcptVerdict::kTemporary;
    if (*v == control::RecipientMap::Verdict::kUnknown) return RcptVerdict::kUnknown;
  }
  if (!cfg.rcptcheck.empty()) return run_program(cfg.rcptcheck, sender, address);
  return RcptVerdict::kAccept;
}

}  // namespace qmail::smtpd
