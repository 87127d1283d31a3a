// qmail-hier (not installed): runs as root from `make setup`, or as the one
// configured user in a test sandbox.  Reads: the manifest compiled into it.
// Writes: the qmail home's directories, queue tree, named pipe, owners, modes.
#include "base/exit_code.h"
#include "base/guard.h"
#include "instcheck.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::instcheck::run_hier(argc, argv); });
}
