// dns.h: the stub resolver qmail-remote uses to find mail hosts.  It sends the
// queries of parse/dns_message.h over UDP to each configured nameserver in
// turn, asks again over TCP when an answer is truncated (larger than 512
// bytes), and checks that every answer matches its query (id, name, type)
// before trusting it.  The nameservers are the system's (/etc/resolv.conf)
// unless $DNSCACHEIP or control/dnscacheip name others (qmail-remote decides
// which; this file only parses the lists).
// Outcomes follow qmail: a name that does not exist (NXDOMAIN) is a permanent
// failure; a server failure, a refusal, a timeout or a malformed answer is
// temporary.  Every wait has a deadline; nothing here writes to stdout or stderr.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "net/ip.h"
#include "parse/dns_message.h"

namespace qmail::net {

struct Nameserver {
  IpAddress ip;
  std::uint16_t port = 53;
  bool operator==(const Nameserver&) const = default;
};

struct ResolverConfig {
  std::vector<Nameserver> servers;  // in order; empty means 127.0.0.1
  unsigned timeout_seconds = 5;     // per query sent (UDP) or per TCP exchange
  unsigned attempts = 2;            // rounds over all servers
};

/// A list of nameservers separated by blanks, commas or newlines: "1.2.3.4",
/// "::1", "127.0.0.5:5353", "[::1]" or "[::1]:5353".  nullopt when any entry is
/// anything else (and on an empty list); servers after the 16th are ignored.
std::optional<std::vector<Nameserver>> parse_nameservers(std::string_view text);

/// The text of a resolv.conf: "nameserver" lines (up to 16; IPv6 zone ids are
/// skipped) and "options timeout:N attempts:N" (bounded to 1..30 and 1..5).
/// Other lines are ignored.  No nameserver line gives an empty server list.
ResolverConfig parse_resolv_conf(std::string_view text);

/// /etc/resolv.conf (or `path`); a missing file gives the defaults.
ResolverConfig system_resolver(const char* path = "/etc/resolv.conf");

class Resolver {
 public:
  explicit Resolver(ResolverConfig config);

  /// Asks for `name` (ASCII) of `type` and returns the answer that matches the
  /// question: rcode NOERROR or NXDOMAIN; SERVFAIL, REFUSED and other codes
  /// make it try the next server and, when none answers otherwise, a temporary
  /// error.  Truncated UDP answers are asked again over TCP.
  Result<parse::DnsAnswer> query(std::string_view name, parse::DnsType type);

 private:
  ResolverConfig config_;
  std::uint16_t next_id_;
};

/// A mail exchanger of a domain.
struct MxHost {
  std::string name;  // lower case, no final dot
  unsigned preference = 0;
};

struct MxLookup {
  enum class Kind {
    kMx,        // `hosts` holds the MX records, by preference; equal ones shuffled
    kImplicit,  // no MX records: the domain itself is the mail host (RFC 5321 5.1)
    kNullMx,    // a null MX (RFC 7505): the domain accepts no mail
  };
  Kind kind = Kind::kImplicit;
  std::vector<MxHost> hosts;  // kMx: in the order to try; kImplicit: one, the domain
  std::string canonical;      // the domain after following CNAMEs
};

/// The mail hosts of `domain` (ASCII).  CNAMEs are followed (at most 8; a
/// longer chain or a loop is a temporary error).  NXDOMAIN is a permanent
/// error ("no host named example.com"); a lookup that fails is temporary.  An
/// MX with target "." among others is ignored; a lone one, preference 0, is a
/// null MX, and so is any set of MX records that all have the target ".".
Result<MxLookup> lookup_mx(Resolver& resolver, std::string_view domain);

/// The IPv6 and IPv4 addresses of `host` (ASCII), CNAMEs followed (at most 8):
/// AAAA records first when `want_v6`, then A records when `want_v4`.
/// NXDOMAIN is permanent; a name with neither kind of address gives an empty
/// list; a failed lookup is temporary (unless the other family gave addresses,
/// which are then returned alone).
Result<std::vector<IpAddress>> lookup_addresses(Resolver& resolver, std::string_view host,
                                                bool want_v6 = true, bool want_v4 = true);

}  // namespace qmail::net
