// instcheck: runs as root (or the administrator) after installation.
// Reads: the qmail home's directories, files and their owners and modes.
// Writes: nothing; one line on stderr per problem found.
#include "base/exit_code.h"
#include "base/guard.h"
#include "instcheck.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::instcheck::run_instcheck(argc, argv); });
}
