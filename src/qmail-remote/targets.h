// targets.h: where qmail-remote connects for a destination: the smtproutes
// relay, an address literal, or the MX hosts of the domain (RFC 5321 5.1) with
// their IPv6 and IPv4 addresses, minus this host's own MX entries (qmail's
// "best-preference MX" check).  The DNS answers are untrusted; the lookups are
// net/dns.h's, every outcome here is explicit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "net/dns.h"
#include "net/ip.h"
#include "qmail-remote/settings.h"

namespace qmail::remote {

struct Target {
  net::IpAddress ip;
  std::uint16_t port = 25;
  std::string host;  // the name looked up (MX or relay) for TLS name checks; "" for literals
  unsigned preference = 0;
};

struct TargetList {
  std::vector<Target> targets;  // in the order to try
  std::string note;             // why a host was left out (a temporary DNS failure), or ""
};

/// The lookups targets_for() makes, replaceable in tests.
struct Lookups {
  std::function<Result<net::MxLookup>(std::string_view)> mx;
  std::function<Result<std::vector<net::IpAddress>>(std::string_view)> addresses;
  std::function<bool(const net::IpAddress&)> is_me;
};

/// The targets for `domain` (ASCII, lower case) under `route` (null: none).
/// Permanent errors: no such domain, null MX, this host is the best MX, no
/// address at all; temporary: the DNS failed and nothing could be found.
/// The texts are ready for a bounce, ending in a qmail-style "(#x.y.z)".
Result<TargetList> targets_for(std::string_view domain, const RouteRule* route,
                               const Lookups& lookups);

/// IPv6 and IPv4 addresses taken in turn, starting with IPv6 (RFC 8305's
/// interleaving, without the racing), each family's order kept.
std::vector<net::IpAddress> interleave_families(const std::vector<net::IpAddress>& ips);

}  // namespace qmail::remote
