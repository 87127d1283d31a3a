// Runs as: whoever wants a new maildir, usually its owner; no privileges.
// Reads: its command line only.
// Writes: the new directory and its tmp, new and cur subdirectories.
#include "base/exit_code.h"
#include "base/guard.h"
#include "maildirmake.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return qmail::maildirmake::run(argc, argv); });
}
