// Runs setuid qmailq, once per message, for any local user and for qmail's own programs.
// Reads the message on fd 0 and its envelope on fd 1; trusts neither, nor the environment.
// Writes only under <home>/queue: pid/, mess/, intd/, todo/, and a byte to lock/trigger.
#include "base/exit_code.h"
#include "base/guard.h"
#include "queue.h"

int main() {
  return qmail::run_guarded(qmail::QueueExit::kNoMem, qmail::QueueExit::kBug,
                            [] { return qmail::queue::run(); });
}
