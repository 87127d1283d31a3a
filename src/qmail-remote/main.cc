// qmail-remote: sends one message to one host by SMTP (qmail-remote(8)).
// Reads control/ under the qmail home, the message on fd 0 and the DNS;
// writes the report stream on fd 1; keeps queue/lock/tcpto.
#include "base/guard.h"
#include "qmail-remote/remote.h"

// Out of memory or an internal error: exit 111, which qmail-rspawn reports as
// a temporary failure (the mail stays queued).
int main(int argc, char** argv) {
  return qmail::run_guarded(111, 111, [&] { return qmail::remote::run(argc, argv); });
}
