// qmail-rspawn: runs as qmailr, started by qmail-start.
// Reads delivery requests on fd 0, queue/mess/S/N, qmail-remote's output.
// Writes reports on fd 1 and zeroes in lock/tcpto at start; runs qmail-remote.
#include "base/exit_code.h"
#include "base/guard.h"
#include "rspawn.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::DeliveryExit::kTemporary, qmail::DeliveryExit::kTemporary,
                            [&] { return qmail::rspawn::run(argc, argv); });
}
