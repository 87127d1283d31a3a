// qmail-smtpd-tls: runs as qmaild, exec'd by qmail-smtpd on STARTTLS or SMTPS.
// Reads the client through TLS on descriptors 0 and 1, control files
// (servercert.pem among them) and tcp-environ(5).  Writes nothing itself.
#include "base/guard.h"
#include "smtpd.h"

int main(int argc, char** argv) {
  return qmail::run_guarded(1, 1, [&] { return qmail::smtpd::run_tls(argc, argv); });
}
