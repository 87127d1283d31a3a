// Runs as: the recipient, started by qmail-lspawn (or by hand with -n).
// Reads: the message on fd 0, the user's .qmail files in homedir.
// Writes: the user's mboxes and maildirs; runs the user's programs; queues forwards.
#include "base/exit_code.h"
#include "base/guard.h"
#include "local.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::DeliveryExit::kTemporary, qmail::DeliveryExit::kTemporary,
                            [&] { return qmail::local::run(argc, argv); });
}
