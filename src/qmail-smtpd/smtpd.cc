#include "smtpd.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "base/auto.h"
#include "io/stream.h"
#include "io/writer.h"
#include "session.h"
#include "settings.h"
#include "sys/process.h"
#include "sys/sig.h"

namespace qmail::smtpd {

namespace {

void note(const std::string& what) {
  std::string line = "qmail-smtpd: " + what + "\n";
  (void)io::write_all(2, line);
}

// Execs qmail-smtpd-tls with our arguments; returns only on failure.
void exec_tls(int argc, char** argv, const char* mode) {
  std::string path = std::string(autoconf::kHome) + "/bin/qmail-smtpd-tls";
  std::vector<std::string> args;
  args.emplace_back(path);
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  ::setenv("QMAILSMTPD_TLS", mode, 1);
  sys::exec_path(path, args);
  note(sys_error("unable to run " + path).text());
}

}  // namespace

int run_plain(int argc, char** argv) {
  sys::ignore_signal(SIGPIPE);
  if (::chdir(autoconf::kHome) == -1) {
    note(sys_error(std::string("unable to chdir to ") + autoconf::kHome).text());
    (void)io::write_all(1, "421 4.3.0 unable to read controls\r\n", 60);
    return 1;
  }
  auto cfg = load_config(argc, argv);
  if (!cfg) {
    note(cfg.error().text());
    (void)io::write_all(1, "421 4.3.0 unable to read controls\r\n", 60);
    return 1;
  }
  if (cfg->smtps) {
    if (cfg->tls_available) exec_tls(argc, argv, "smtps");
    note("SMTPS is set but TLS is not available (control/servercert.pem)");
    return 1;
  }
  io::FdStream stream(0, 1);
  Session::StartTls start;
  if (cfg->tls_available) start = [argc, argv] { exec_tls(argc, argv, "starttls"); };
  Session session(*cfg, stream, "", start);
  session.greet();
  return session.run();
}

}  // namespace qmail::smtpd
