// Runs as: qmaill, at the end of a daemon's log pipe (qmail-start, run scripts).
// Reads: log lines on stdin.
// Writes: entries to syslog, nothing else.
#include "base/exit_code.h"
#include "base/guard.h"
#include "splogger.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::splogger::run(argc, argv); });
}
