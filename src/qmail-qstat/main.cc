// Runs as root or with group qmail, started by the administrator.
// Reads the directory listings of <home>/queue/mess/* and <home>/queue/todo.
// Writes two lines of counts to stdout, or a diagnostic to stderr.
#include "base/exit_code.h"
#include "base/guard.h"
#include "qstat.h"

int main() {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::qstat::run(); });
}
