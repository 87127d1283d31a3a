// qmail-newmrh: runs as the administrator (root), by hand after editing control/morercpthosts.
// Reads <home>/control/morercpthosts.
// Writes <home>/control/morercpthosts.tmp, then renames it to control/morercpthosts.cdb.
#include "base/exit_code.h"
#include "base/guard.h"
#include "newmrh.h"

int main() {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::newmrh::run(); });
}
