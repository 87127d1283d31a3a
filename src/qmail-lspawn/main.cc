// qmail-lspawn: runs as root, started by qmail-start with the default delivery as argv[1].
// Reads delivery requests on fd 0, queue/mess/S/N, users/cdb, qmail-getpw's answers.
// Writes reports on fd 1; its children become the recipients and run qmail-local.
#include "base/exit_code.h"
#include "base/guard.h"
#include "lspawn.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::DeliveryExit::kTemporary, qmail::DeliveryExit::kTemporary,
                            [&] { return qmail::lspawn::run(argc, argv); });
}
