// qmail-clean: runs as qmailq, started by qmail-start beside qmail-send.
// Reads "foop/N" and "todo/N" requests from qmail-send on fd 0.
// Removes intd/, todo/, mess/ and stale pid/ files; answers on fd 1.
#include "base/exit_code.h"
#include "base/guard.h"
#include "qmail-clean/clean.h"

int main() {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::clean::run(); });
}
