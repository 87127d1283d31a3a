// qmail-start: runs as root from <home>/rc (boot/*), keeps root only for qmail-lspawn.
// Reads: its argv (default delivery, logger command); looks up qmail's users and groups.
// Writes: nothing itself; it wires pipes and execs qmail-send (see start.h).
#include "base/exit_code.h"
#include "base/guard.h"
#include "start.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::DeliveryExit::kTemporary, qmail::DeliveryExit::kTemporary,
                            [&] { return qmail::start::run(argc, argv); });
}
