// Runs as: the recipient, from a .qmail program line run by qmail-local.
// Reads: the message on stdin, UFLINE, RPLINE and DTLINE from the environment.
// Writes: nothing itself; the command it runs does what it does.
#include "base/exit_code.h"
#include "base/guard.h"
#include "preline.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::DeliveryExit::kTemporary, qmail::DeliveryExit::kTemporary,
                            [&] { return qmail::preline::run(argc, argv); });
}
