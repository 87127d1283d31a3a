// Runs as: the recipient, from a .qmail program line run by qmail-local.
// Reads: the .forward files named, the message on stdin, qmail-local's environment.
// Writes: nothing itself; it runs programs and hands copies to qmail-queue.
#include "base/exit_code.h"
#include "base/guard.h"
#include "dot_forward.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::DeliveryExit::kTemporary, qmail::DeliveryExit::kTemporary,
                            [&] { return qmail::dotforward::run(argc, argv); });
}
