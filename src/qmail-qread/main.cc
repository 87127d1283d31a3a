// Runs as root or as qmails with group qmail, started by the administrator.
// Reads <home>/queue: info/, mess/, local/, remote/, bounce/.
// Writes only the listing to stdout and warnings to stderr.
#include "base/exit_code.h"
#include "base/guard.h"
#include "qread.h"

int main() {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::qread::run(); });
}
