#include "sys/sig.h"

#include <signal.h>

namespace qmail::sys {

namespace {
void set_action(int sig, void (*handler)(int)) {
  struct sigaction sa = {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(sig, &sa, nullptr);
}
void mask(int how, int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(how, &set, nullptr);
}
}  // namespace

void catch_signal(int sig, SignalHandler handler) { set_action(sig, handler); }
void ignore_signal(int sig) { set_action(sig, SIG_IGN); }
void default_signal(int sig) { set_action(sig, SIG_DFL); }
void block_signal(int sig) { mask(SIG_BLOCK, sig); }
void unblock_signal(int sig) { mask(SIG_UNBLOCK, sig); }

}  // namespace qmail::sys
