// Runs as: the user who sends mail (MUAs, cron, scripts); no privileges.
// Reads: its command line and environment (PROTO for -bs).
// Writes: nothing itself; it execs qmail-inject, qmail-qread or qmail-smtpd.
#include "base/exit_code.h"
#include "base/guard.h"
#include "sendmail.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::sendmail::run(argc, argv); });
}
