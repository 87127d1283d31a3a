// qmail-smtpd: runs as qmaild, once per connection (tcpserver, inetd, systemd).
// Reads the client on descriptors 0 and 1, control files and tcp-environ(5).
// Writes nothing itself: accepted messages go to qmail-queue.
#include "base/guard.h"
#include "smtpd.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(1, 1, [&] { return qmail::smtpd::run_plain(argc, argv); });
}
