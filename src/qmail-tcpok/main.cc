// qmail-tcpok: runs as root or qmailr (the table is qmailr's, mode 0644), by hand.
// Reads nothing.
// Writes zeroes over <home>/queue/lock/tcpto; a diagnostic to stderr on trouble.
#include "base/exit_code.h"
#include "base/guard.h"
#include "tcpok.h"

int main() {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::tcpok::run(); });
}
