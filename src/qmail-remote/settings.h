// settings.h: what qmail-remote reads before it connects: its control files
// (qmail-remote(8), qmail-control(5)) and $DNSCACHEIP, and the per-destination
// choices made from them: the route (smtproutes), the TLS policy
// (tlsdestinations) and the AUTH credentials (smtpauth).  Control files are
// trusted as far as the administrator; the parsers are still pure functions
// that reject what they cannot read, so a typo is a clear deferral, not a
// guess.  The destination (argv[1]) comes from an address anyone may send to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "net/dns.h"
#include "net/ip.h"

namespace qmail::remote {

using IpAddress = net::IpAddress;

/// One smtproutes line: "domain:relay[:port]".
struct RouteRule {
  std::string pattern;  // lower case: "example.com", ".example.com" or "" (everything)
  std::string relay;    // host name or IP text ("" = use the MX records)
  std::optional<IpAddress> relay_ip;  // relay given as an address ("1.2.3.4", "[::1]")
  std::uint16_t port = 25;
};

/// How the certificate of a destination is checked; the policy is a
/// tlsdestinations line (kMay for destinations it does not name).
struct TlsPolicy {
  enum class Level {
    kNone,         // never STARTTLS
    kMay,          // STARTTLS when offered, any certificate; plain when not offered
    kEncrypt,      // TLS required, any certificate (routes with AUTH credentials)
    kVerify,       // TLS required, system CA store and a matching name
    kCa,           // TLS required, the CA in `ca_file` and a matching name
    kFingerprint,  // TLS required, one of `fingerprints`
  };
  Level level = Level::kMay;
  std::string ca_file;
  std::vector<std::string> fingerprints;  // normalised: 64 lower-case hex digits
  [[nodiscard]] bool required() const { return level > Level::kMay; }
  /// The certificate must name the host or the destination domain.
  [[nodiscard]] bool checks_names() const { return level == Level::kVerify || level == Level::kCa; }
};

struct TlsRule {
  std::string pattern;
  TlsPolicy policy;
};

struct AuthRule {
  std::string pattern;
  std::string user;
  std::string password;
};

struct Config {
  std::string helohost;            // control/helohost, else control/me
  unsigned timeout_connect = 60;   // control/timeoutconnect
  unsigned timeout_remote = 1200;  // control/timeoutremote
  IpAddress outgoing_v4;           // control/outgoingip (family 0: the kernel chooses)
  IpAddress outgoing_v6;
  net::ResolverConfig resolver;      // $DNSCACHEIP, control/dnscacheip, /etc/resolv.conf
  std::vector<RouteRule> routes;     // control/smtproutes
  std::vector<TlsRule> tls_rules;    // control/tlsdestinations
  std::vector<AuthRule> auth_rules;  // control/smtpauth
  std::string client_cert;           // control/clientcert.pem when it exists
  std::string tls_ciphers;           // control/tlsclientciphers
};

/// Reads the control files from the current directory (the qmail home) and the
/// environment.  A file that is missing takes its default; one that cannot be
/// read or parsed is a temporary error naming it.
Result<Config> load_config();

// The parsers of the lines, pure (for the tests).  Each returns a permanent
// error with a reason for a line it cannot read.
Result<RouteRule> parse_route(std::string_view line);
Result<TlsRule> parse_tls_rule(std::string_view line);
Result<AuthRule> parse_auth_rule(std::string_view line);

/// The rule whose pattern matches `domain` (lower case), the qmail way: the
/// whole domain first, then ".suffix" for each suffix from the longest, then
/// "" (everything).  Among rules with the same pattern the first wins.
template <class Rule>
const Rule* find_rule(const std::vector<Rule>& rules, std::string_view domain) {
  auto exact = [&](std::string_view pattern) -> const Rule* {
    for (const Rule& r : rules)
      if (r.pattern == pattern) return &r;
    return nullptr;
  };
  if (const Rule* r = exact(domain)) return r;
  for (std::size_t dot = domain.find('.'); dot != std::string_view::npos;
       dot = domain.find('.', dot + 1))
    if (const Rule* r = exact(domain.substr(dot))) return r;
  return exact("");
}

/// The TLS policy for `domain`: its tlsdestinations rule, kMay when none;
/// raised to kEncrypt when `has_credentials` and the rule is weaker.
TlsPolicy tls_policy_for(const Config& config, std::string_view domain, bool has_credentials);

}  // namespace qmail::remote
