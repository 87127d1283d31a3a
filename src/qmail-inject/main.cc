// Runs as: the user who sends mail (from an MUA, sendmail or a script); no privileges.
// Reads: a message on stdin, its command line and environment, control/ files.
// Writes: the message to qmail-queue ($QMAILQUEUE), or to stdout with -n.
#include "base/exit_code.h"
#include "base/guard.h"
#include "inject/inject.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::inject::run(argc, argv); });
}
