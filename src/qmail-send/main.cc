// qmail-send: runs as qmails, started by qmail-start with pipes on fds 0-6.
// Reads control/* and the queue (todo, info, local, remote, bounce, mess).
// Writes info/ local/ remote/ bounce/ and the log on fd 0; injects bounces.
#include "base/exit_code.h"
#include "base/guard.h"
#include "qmail-send/send.h"

int main() {
  // qmail-send's trouble exit is 111 whatever went wrong.
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::send::run(); });
}
