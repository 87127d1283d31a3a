// Runs as: the user who owns the maildir and the mbox.
// Reads: $MAILDIR's new/ and cur/, the mbox $MAIL.
// Writes: $MAILTMP, renamed to $MAIL; removes the moved messages and stale tmp/ files.
#include "base/exit_code.h"
#include "base/guard.h"
#include "maildir2mbox.h"

int main() {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [] { return qmail::maildir2mbox::run(); });
}
