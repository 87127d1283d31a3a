#include "qmail-remote/targets.h"

namespace qmail::remote {

std::vector<net::IpAddress> interleave_families(const std::vector<net::IpAddress>& ips) {
  std::vector<net::IpAddress> v6, v4, out;
  for (const auto& ip : ips) (ip.is_v6() ? v6 : v4).push_back(ip);
  for (std::size_t i = 0; i < v6.size() || i < v4.size(); ++i) {
    if (i < v6.size()) out.push_back(v6[i]);
    if (i < v4.size()) out.push_back(v4[i]);
  }
  return out;
}

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 255)) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  return out;
}

// Adds the addresses of `host` as targets; a failure is noted in `note`.
// Returns false when the lookup failed temporarily.
bool add_host(std::string_view host, std::uint16_t port, unsigned preference,
              const Lookups& lookups, TargetList& list, bool& any_temp, std::string& temp_text) {
  auto ips = lookups.addresses(host);
  if (!ips) {
    if (ips.error().temporary()) {
      any_temp = true;
      temp_text = ips.error().text();
    }
    return false;
  }
  for (const auto& ip : interleave_families(*ips))
    list.targets.push_back({ip, port, std::string(host), preference});
  return true;
}

}  // namespace

Result<TargetList> targets_for(std::string_view domain, const RouteRule* route,
                               const Lookups& lookups) {
  TargetList list;
  std::uint16_t port = route ? route->port : 25;
  bool any_temp = false;
  std::string temp_text;

  // a relay from smtproutes: an address, or a name looked up for its addresses (no MX)
  if (route && !route->relay.empty()) {
    if (route->relay_ip) {
      list.targets.push_back({*route->relay_ip, port, "", 0});
      return list;
    }
    if (!add_host(route->relay, port, 0, lookups, list, any_temp, temp_text)) {
      if (any_temp)
        return temp_error("Unable to look up the relay " + quoted(route->relay) + ": " + temp_text +
                          " (#4.4.3)");
      return perm_error("Sorry, there is no host named " + quoted(route->relay) +
                        " (the relay in control/smtproutes). (#5.1.2)");
    }
    if (list.targets.empty())
      return perm_error("Sorry, the relay " + quoted(route->relay) + " has no address. (#5.4.4)");
    return list;
  }

  // an address literal: connect to it
  if (!domain.empty() && domain.front() == '[') {
    auto ip = net::parse_address_literal(domain);
    if (!ip)
      return perm_error("Sorry, " + quoted(domain) + " is not a valid address literal. (#5.1.2)");
    if (lookups.is_me(*ip))
      return perm_error("Sorry, the address literal " + quoted(domain) +
                        " is this host, and it is not in control/locals. (#5.4.6)");
    list.targets.push_back({*ip, port, "", 0});
    return list;
  }

  auto mx = lookups.mx(domain);
  if (!mx) {
    if (mx.error().temporary())
      return temp_error("DNS lookup of the mail hosts of " + quoted(domain) +
                        " failed temporarily: " + mx.error().text() + " (#4.4.3)");
    return perm_error("Sorry, there is no host named " + quoted(domain) + ". (#5.1.2)");
  }
  if (mx->kind == net::MxLookup::Kind::kNullMx)
    return perm_error("Sorry, " + quoted(domain) +
                      " publishes a null MX: it does not accept mail. (#5.1.10)");

  // Collect every host's addresses, then drop this host: when one of our own
  // addresses appears at preference P, that host and every MX at P or worse is
  // dropped (we would be delivering to ourselves or in a loop).
  std::vector<Target> all;
  for (const net::MxHost& h : mx->hosts) {
    TargetList one;
    (void)add_host(h.name, port, h.preference, lookups, one, any_temp, temp_text);
    for (auto& t : one.targets) all.push_back(std::move(t));
  }
  bool self = false;
  unsigned self_pref = 0;
  for (const Target& t : all)
    if (lookups.is_me(t.ip) && (!self || t.preference < self_pref)) {
      self = true;
      self_pref = t.preference;
    }
  for (Target& t : all)
    if (!self || t.preference < self_pref) list.targets.push_back(std::move(t));
  if (self && list.targets.empty())
    return perm_error("Sorry, this host is the best mail exchanger for " + quoted(domain) +
                      ", but the domain is not in control/locals or control/virtualdomains, so "
                      "there is nowhere to deliver it. (#5.4.6)");
  if (list.targets.empty()) {
    if (any_temp)
      return temp_error("DNS lookup of the mail hosts of " + quoted(domain) +
                        " failed temporarily: " + temp_text + " (#4.4.3)");
    return perm_error("Sorry, the mail hosts of " + quoted(domain) + " have no address. (#5.4.4)");
  }
  if (any_temp) list.note = "a lookup failed: " + temp_text;
  return list;
}

}  // namespace qmail::remote
