// Runs as: the administrator, by hand or from a script, before qmail-newu.
// Reads: a passwd file on stdin; <home>/users/{include,exclude,mailnames,subusers,append}.
// Writes: an assign file (qmail-users(5)) on stdout, nothing else.
#include "base/exit_code.h"
#include "base/guard.h"
#include "pw2u.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::pw2u::run(argc, argv); });
}
