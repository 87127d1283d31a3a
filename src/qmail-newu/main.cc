// qmail-newu: runs as the administrator (root), by hand after editing users/assign.
// Reads <home>/users/assign.
// Writes <home>/users/cdb.tmp, then renames it to <home>/users/cdb.
#include "base/exit_code.h"
#include "base/guard.h"
#include "newu.h"

int main() {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::newu::run(); });
}
