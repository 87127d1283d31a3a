// qmail-newrcpt: runs as root (to read every home), by hand or from a script.
// Reads control/locals, virtualdomains, percenthack, users/assign, passwd, homes.
// Writes control/recipients.tmp, then renames it to control/recipients.cdb.
#include "base/exit_code.h"
#include "base/guard.h"
#include "newrcpt.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::newrcpt::run(argc, argv); });
}
