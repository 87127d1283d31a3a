// settings.h: what qmail-smtpd knows before the first command: its control
// files (qmail-control(5), read from the qmail home) and the connection's
// environment (tcp-environ(5), RELAYCLIENT, DATABYTES, ...).  Loaded once per
// connection by main; the session only reads it.  Control files are trusted as
// far as the administrator who wrote them; the environment comes from
// tcpserver, inetd or systemd, not from the client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "control/cdb.h"
#include "control/control.h"
#include "control/recipients.h"
#include "net/ip.h"

namespace qmail::smtpd {

/// The most recipients one message may have whatever control/maxrcpt says,
/// so that memory per session stays bounded (about 25 MB of paths at most).
inline constexpr unsigned kMaxRecipientsCeiling = 100000;

struct Config {
  // identity
  std::string greeting;     // control/smtpgreeting, default control/me
  std::string hostname;     // first word of the greeting: replies and Received
  std::string localiphost;  // control/localiphost, default control/me
  /// This host's addresses for [literal] recipients; when empty (as loaded)
  /// they are asked of the system the first time a literal needs them.
  std::vector<net::IpAddress> local_ips;

  // relay control
  std::optional<control::StringSet> rcpthosts;  // nullopt: the file is missing
  std::optional<control::Cdb> morercpthosts;    // control/morercpthosts.cdb
  std::optional<std::string> relayclient;       // $RELAYCLIENT, appended to recipients

  // refusals
  control::StringSet badmailfrom;                   // addresses and @domain
  control::StringSet badrcptto;                     // addresses and @domain
  std::optional<control::RecipientMap> recipients;  // control/recipients.cdb
  std::vector<std::string> rcptcheck;               // $RCPTCHECK or control/rcptcheck

  // limits
  std::uint64_t databytes = 0;     // control/databytes or $DATABYTES; 0: no limit
  unsigned max_recipients = 1000;  // control/maxrcpt; 0 and larger values: the ceiling
  unsigned timeout = 1200;         // control/timeoutsmtpd, seconds per read or write

  // TLS and AUTH
  bool tls_available = false;  // built with TLS and control/servercert.pem readable
  std::string cert_file = "control/servercert.pem";
  std::string ciphers;                     // control/tlsserverciphers or $TLSCIPHERS
  std::vector<std::string> checkpassword;  // argv[1..]: AUTH offered when set
  bool auth_cleartext = false;             // control/authcleartext: AUTH without TLS
  bool auth_required = false;              // $AUTHREQUIRED: MAIL needs AUTH first
  bool smtps = false;                      // $SMTPS: TLS from the first byte

  // the client, from tcp-environ(5)
  std::string remote_ip = "unknown";
  std::string remote_host;  // $TCPREMOTEHOST, may be empty
  std::string remote_info;  // $TCPREMOTEINFO, may be empty
  std::string local_host;   // $TCPLOCALHOST, default control/me
};

/// Reads the control files in the current directory (the qmail home) and the
/// environment.  A control file that exists but cannot be read, or a missing
/// control/me and control/smtpgreeting, is a temporary error: qmail-smtpd
/// then answers 421 and exits, as qmail does.
Result<Config> load_config(int argc, char** argv);

}  // namespace qmail::smtpd
