#include "qmail-remote/settings.h"

#include <cstdlib>

#include "base/str.h"
#include "control/control.h"
#include "tls/fingerprint.h"

namespace qmail::remote {

namespace {

// "pattern:rest": the pattern ends at the first ':' outside brackets, so an
// address literal such as "[IPv6:2001:db8::1]" can be a pattern.
bool split_pattern(std::string_view line, std::string& pattern, std::string_view& rest) {
  std::size_t i = 0;
  bool bracket = false;
  for (; i < line.size(); ++i) {
    if (line[i] == '[') bracket = true;
    if (line[i] == ']') bracket = false;
    if (line[i] == ':' && !bracket) break;
  }
  if (i == line.size()) return false;
  pattern = ascii_lower(line.substr(0, i));
  rest = line.substr(i + 1);
  return true;
}

Error bad_line(std::string_view what, std::string_view line) {
  return perm_error(std::string(what) + ": " + std::string(line.substr(0, 200)));
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

Result<RouteRule> parse_route(std::string_view line) {
  RouteRule rule;
  std::string_view rest;
  if (!split_pattern(line, rule.pattern, rest)) return bad_line("no ':' in route", line);
  // relay: "[literal]", a name, an IPv4 address, or empty; then ":port"
  std::string_view relay = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad_line("unclosed '[' in route", line);
    relay = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_line("junk after the relay in route", line);
      port = after.substr(1);
    }
    std::string_view inside = relay.substr(1, relay.size() - 2);
    std::optional<IpAddress> ip = net::parse_address_literal(relay);
    if (!ip) ip = net::parse_ip(inside);
    if (!ip) return bad_line("not an address in route", line);
    rule.relay_ip = ip;
  } else if (std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
    relay = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  rule.relay = std::string(relay);
  if (!rule.relay_ip && !relay.empty()) {
    for (char c : relay)
      if (static_cast<unsigned char>(c) <= ' ' || c == ':')
        return bad_line("bad relay host in route", line);
    rule.relay_ip = net::parse_ip(relay);
  }
  if (!port.empty()) {
    auto n = scan_u64(port);
    if (!n || *n == 0 || *n > 65535) return bad_line("bad port in route", line);
    rule.port = static_cast<std::uint16_t>(*n);
  }
  return rule;
}

Result<TlsRule> parse_tls_rule(std::string_view line) {
  TlsRule rule;
  std::string_view rest;
  if (!split_pattern(line, rule.pattern, rest)) return bad_line("no ':' in TLS rule", line);
  std::string policy = trim(rest);
  using Level = TlsPolicy::Level;
  if (policy == "none") {
    rule.policy.level = Level::kNone;
  } else if (policy == "may") {
    rule.policy.level = Level::kMay;
  } else if (policy == "encrypt") {
    rule.policy.level = Level::kEncrypt;
  } else if (policy == "verify") {
    rule.policy.level = Level::kVerify;
  } else if (policy.starts_with("ca=")) {
    rule.policy.level = Level::kCa;
    rule.policy.ca_file = policy.substr(3);
    if (rule.policy.ca_file.empty()) return bad_line("no CA file in TLS rule", line);
  } else if (policy.starts_with("fingerprint=")) {
    rule.policy.level = Level::kFingerprint;
    std::string_view list = std::string_view(policy).substr(12);
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      std::string fp = tls::normalize_fingerprint(trim(list.substr(0, comma)));
      if (fp.empty()) return bad_line("bad SHA-256 fingerprint in TLS rule", line);
      rule.policy.fingerprints.push_back(fp);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    if (rule.policy.fingerprints.empty()) return bad_line("no fingerprint in TLS rule", line);
  } else {
    return bad_line("unknown TLS policy", line);
  }
  return rule;
}

Result<AuthRule> parse_auth_rule(std::string_view line) {
  AuthRule rule;
  std::string_view rest;
  if (!split_pattern(line, rule.pattern, rest)) return perm_error("no ':' in smtpauth line");
  std::size_t colon = rest.find(':');
  // never quote the line: it holds a password
  if (colon == std::string_view::npos || colon == 0)
    return perm_error("smtpauth line for \"" + rule.pattern + "\" lacks user:password");
  rule.user = std::string(rest.substr(0, colon));
  rule.password = std::string(rest.substr(colon + 1));
  if (rule.password.empty())
    return perm_error("smtpauth line for \"" + rule.pattern + "\" has an empty password");
  return rule;
}

TlsPolicy tls_policy_for(const Config& config, std::string_view domain, bool has_credentials) {
  TlsPolicy policy;
  if (const TlsRule* rule = find_rule(config.tls_rules, domain)) policy = rule->policy;
  if (has_credentials && policy.level < TlsPolicy::Level::kEncrypt)
    policy.level = TlsPolicy::Level::kEncrypt;
  return policy;
}

namespace {

template <class Rule>
Status read_rules(const char* path, Result<Rule> (*parse)(std::string_view),
                  std::vector<Rule>& out) {
  auto lines = control::read_lines(path);
  if (!lines) return lines.error();
  for (const std::string& line : *lines) {
    auto rule = parse(line);
    if (!rule) return temp_error(std::string("unable to parse ") + path + ": " + rule.error().what);
    out.push_back(std::move(*rule));
  }
  return {};
}

Status read_timeout(const char* path, unsigned fallback, unsigned& out) {
  auto n = control::read_number(path, fallback);
  if (!n) return n.error();
  out = *n == 0 ? fallback : static_cast<unsigned>(*n > 86400 ? 86400 : *n);
  return {};
}

}  // namespace

Result<Config> load_config() {
  Config c;
  auto me = control::read_line_or("control/me", "");
  if (!me) return me.error();
  auto helo = control::read_line_or("control/helohost", *me);
  if (!helo) return helo.error();
  c.helohost = *helo;
  if (c.helohost.empty()) return temp_error("unable to read control/me or control/helohost");
  if (auto st = read_timeout("control/timeoutconnect", 60, c.timeout_connect); !st)
    return st.error();
  if (auto st = read_timeout("control/timeoutremote", 1200, c.timeout_remote); !st)
    return st.error();

  auto outgoing = control::read_lines("control/outgoingip");
  if (!outgoing) return outgoing.error();
  for (const std::string& line : *outgoing) {
    auto ip = net::parse_ip(line);
    if (!ip) return temp_error("unable to parse control/outgoingip: " + line.substr(0, 100));
    (ip->is_v4() ? c.outgoing_v4 : c.outgoing_v6) = *ip;
  }

  const char* env = std::getenv("DNSCACHEIP");
  std::string servers;
  if (env && *env) {
    servers = env;
  } else {
    auto lines = control::read_lines("control/dnscacheip");
    if (!lines) return lines.error();
    for (const std::string& l : *lines) servers += l + "\n";
  }
  c.resolver = net::system_resolver();
  if (!servers.empty()) {
    auto list = net::parse_nameservers(servers);
    if (!list)
      return temp_error(std::string("unable to parse ") +
                        (env && *env ? "$DNSCACHEIP" : "control/dnscacheip"));
    c.resolver.servers = *list;
  }

  if (auto st = read_rules("control/smtproutes", parse_route, c.routes); !st) return st.error();
  if (auto st = read_rules("control/tlsdestinations", parse_tls_rule, c.tls_rules); !st)
    return st.error();
  if (auto st = read_rules("control/smtpauth", parse_auth_rule, c.auth_rules); !st)
    return st.error();
  auto cert = control::read_line("control/clientcert.pem");
  if (!cert) return cert.error();
  if (*cert) c.client_cert = "control/clientcert.pem";
  auto ciphers = control::read_line_or("control/tlsclientciphers", "");
  if (!ciphers) return ciphers.error();
  c.tls_ciphers = *ciphers;
  return c;
}

}  // namespace qmail::remote
