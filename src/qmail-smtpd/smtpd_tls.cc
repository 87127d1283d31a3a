// smtpd_tls.cc: qmail-smtpd-tls, the TLS half of qmail-smtpd (smtpd.h).

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "base/auto.h"
#include "io/writer.h"
#include "session.h"
#include "settings.h"
#include "smtpd.h"
#include "sys/sig.h"
#include "tls/server.h"

namespace qmail::smtpd {

int run_tls(int argc, char** argv) {
  sys::ignore_signal(SIGPIPE);
  const char* mode = std::getenv("QMAILSMTPD_TLS");
  bool smtps = mode ? std::string(mode) == "smtps" : std::getenv("SMTPS") != nullptr;
  ::unsetenv("QMAILSMTPD_TLS");  // not for qmail-queue and checkpassword
  auto fail = [](const std::string& what) {
    std::string line = "qmail-smtpd-tls: " + what + "\n";
    (void)io::write_all(2, line);
    return 1;
  };
  if (::chdir(autoconf::kHome) == -1)
    return fail(sys_error(std::string("unable to chdir to ") + autoconf::kHome).text());
  auto cfg = load_config(argc, argv);
  if (!cfg) return fail(cfg.error().text());
  tls::ServerSettings settings;
  settings.cert_file = cfg->cert_file;
  settings.ciphers = cfg->ciphers;
  settings.dh_file = "control/dh2048.pem";
  auto t = tls::TlsStream::accept(settings, 0, 1, cfg->timeout);
  if (!t) return fail(t.error().text());
  std::string desc = (*t)->protocol() + " " + (*t)->cipher();
  // RFC 3207 section 4.2: the session starts over; no greeting after STARTTLS
  Session session(*cfg, **t, desc, nullptr);
  if (smtps) session.greet();
  int rc = session.run();
  (*t)->shutdown(5);
  return rc;
}

}  // namespace qmail::smtpd
