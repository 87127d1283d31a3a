// qmail-tcpto: runs as the administrator (root, or anyone who may read the table).
// Reads <home>/queue/lock/tcpto.
// Writes one line per host that recently timed out to stdout, or a diagnostic to stderr.
#include "base/exit_code.h"
#include "base/guard.h"
#include "tcpto_print.h"

int main() {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::tcpto::run(); });
}
