// check_qmail_remote.cc: the deciding parts of qmail-remote: control-file
// lines (smtproutes, tlsdestinations, smtpauth), rule matching, the targets
// for a destination with made-up DNS answers (MX order, null MX, MX to self,
// relays and literals), the report stream and the SMTP paths.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qmail-remote/cache.h"
#include "qmail-remote/plan.h"
#include "qmail-remote/remote.h"
#include "qmail-remote/session.h"
#include "qmail-remote/settings.h"
#include "qmail-remote/targets.h"

// Check's macros clash with <ios>: its header comes after the others
#include <check.h>

#include "check_main.h"

using namespace qmail;
using namespace qmail::remote;

START_TEST(routes_parse_like_qmail) {
  auto r = parse_route("example.com:relay.example.net:2525");
  ck_assert(r.ok());
  ck_assert_str_eq(r->pattern.c_str(), "example.com");
  ck_assert_str_eq(r->relay.c_str(), "relay.example.net");
  ck_assert_int_eq(r->port, 2525);
  ck_assert(!r->relay_ip);

  r = parse_route(":[::1]:26");
  ck_assert(r.ok());
  ck_assert_str_eq(r->pattern.c_str(), "");
  ck_assert(r->relay_ip && r->relay_ip->is_v6());
  ck_assert_int_eq(r->port, 26);

  r = parse_route(".Example.ORG:10.1.2.3");
  ck_assert(r.ok());
  ck_assert_str_eq(r->pattern.c_str(), ".example.org");
  ck_assert(r->relay_ip && r->relay_ip->is_v4());
  ck_assert_int_eq(r->port, 25);

  r = parse_route("example.net:");  // empty relay: the MX records
  ck_assert(r.ok());
  ck_assert(r->relay.empty());

  r = parse_route("example.net::2525");  // MX records, another port
  ck_assert(r.ok());
  ck_assert(r->relay.empty());
  ck_assert_int_eq(r->port, 2525);

  r = parse_route("[IPv6:2001:db8::1]:[::1]");  // a literal as the pattern
  ck_assert(r.ok());
  ck_assert_str_eq(r->pattern.c_str(), "[ipv6:2001:db8::1]");

  ck_assert(!parse_route("no colon").ok());
  ck_assert(!parse_route("x:relay:0").ok());
  ck_assert(!parse_route("x:relay:65536").ok());
  ck_assert(!parse_route("x:relay:25x").ok());
  ck_assert(!parse_route("x:[::1").ok());
  ck_assert(!parse_route("x:[not an ip]").ok());
}
END_TEST

START_TEST(rules_match_domain_then_suffixes_then_everything) {
  std::vector<RouteRule> rules;
  for (const char* line : {":catchall", ".example.com:suffix", "a.example.com:exact",
                           ".b.example.com:deeper", "a.example.com:second"}) {
    auto r = parse_route(line);
    ck_assert(r.ok());
    rules.push_back(*r);
  }
  auto relay = [&](const char* d) -> const std::string& { return find_rule(rules, d)->relay; };
  ck_assert_str_eq(relay("a.example.com").c_str(), "exact");
  ck_assert_str_eq(relay("x.b.example.com").c_str(), "deeper");
  ck_assert_str_eq(relay("x.example.com").c_str(), "suffix");
  ck_assert_str_eq(relay("example.com").c_str(), "catchall");
  ck_assert_str_eq(relay("other.org").c_str(), "catchall");
  rules.erase(rules.begin());
  ck_assert(find_rule(rules, "other.org") == nullptr);
}
END_TEST

START_TEST(tls_rules_and_auth_raise_the_policy) {
  using Level = TlsPolicy::Level;
  auto t = parse_tls_rule("example.com:verify");
  ck_assert(t.ok() && t->policy.level == Level::kVerify);
  t = parse_tls_rule(".example.org:ca=/etc/ssl/pinned.pem");
  ck_assert(t.ok() && t->policy.level == Level::kCa);
  ck_assert_str_eq(t->policy.ca_file.c_str(), "/etc/ssl/pinned.pem");
  std::string fp(64, 'A');
  t = parse_tls_rule("x:fingerprint=" + fp + ", " + std::string(64, '0'));
  ck_assert(t.ok() && t->policy.level == Level::kFingerprint);
  ck_assert_int_eq(t->policy.fingerprints.size(), 2);
  ck_assert(t->policy.fingerprints[0] == std::string(64, 'a'));
  t = parse_tls_rule("x:fingerprint=AB:CD");
  ck_assert(!t.ok());
  ck_assert(!parse_tls_rule("x:sometimes").ok());
  ck_assert(!parse_tls_rule("x:ca=").ok());
  ck_assert(parse_tls_rule("x:none").ok());

  Config c;
  c.tls_rules.push_back(*parse_tls_rule("plain.example:none"));
  c.tls_rules.push_back(*parse_tls_rule("strict.example:verify"));
  ck_assert(tls_policy_for(c, "other.example", false).level == Level::kMay);
  ck_assert(!tls_policy_for(c, "other.example", false).required());
  ck_assert(tls_policy_for(c, "other.example", true).level == Level::kEncrypt);
  ck_assert(tls_policy_for(c, "plain.example", true).level == Level::kEncrypt);
  ck_assert(tls_policy_for(c, "strict.example", true).level == Level::kVerify);

  auto a = parse_auth_rule("example.com:user@example.com:pa:ss word");
  ck_assert(a.ok());
  ck_assert_str_eq(a->user.c_str(), "user@example.com");
  ck_assert_str_eq(a->password.c_str(), "pa:ss word");
  auto bad = parse_auth_rule("example.com:user-without-password");
  ck_assert(!bad.ok());
  // the error never quotes the line (it would hold a password)
  ck_assert(bad.error().what.find("user-without") == std::string::npos);
  ck_assert(!parse_auth_rule("example.com:user:").ok());
}
END_TEST

// ---- targets with made-up DNS ---------------------------------------------

struct FakeDns {
  std::map<std::string, Result<net::MxLookup>> mx;
  std::map<std::string, Result<std::vector<net::IpAddress>>> hosts;
  std::vector<net::IpAddress> me;
  Lookups lookups() {
    Lookups l;
    l.mx = [this](std::string_view d) -> Result<net::MxLookup> {
      auto it = mx.find(std::string(d));
      if (it == mx.end()) return perm_error("NXDOMAIN");
      return it->second;
    };
    l.addresses = [this](std::string_view h) -> Result<std::vector<net::IpAddress>> {
      auto it = hosts.find(std::string(h));
      if (it == hosts.end()) return perm_error("NXDOMAIN");
      return it->second;
    };
    l.is_me = [this](const net::IpAddress& ip) {
      for (const auto& m : me)
        if (m == ip) return true;
      return false;
    };
    return l;
  }
};

net::MxLookup mxs(std::vector<std::pair<const char*, unsigned>> list) {
  net::MxLookup m;
  m.kind = net::MxLookup::Kind::kMx;
  for (auto& [name, pref] : list) m.hosts.push_back({name, pref});
  return m;
}

net::IpAddress ip(const char* text) { return *net::parse_ip(text); }

std::string ips(const TargetList& l) {
  std::string out;
  for (const Target& t : l.targets) out += (out.empty() ? "" : " ") + net::format_ip(t.ip);
  return out;
}

START_TEST(targets_follow_mx_order_with_ipv6_first) {
  FakeDns dns;
  dns.mx.emplace("example.com", mxs({{"mx1.example.com", 10}, {"mx2.example.com", 20}}));
  dns.hosts.emplace("mx1.example.com", std::vector<net::IpAddress>{ip("192.0.2.1"), ip("192.0.2.2"),
                                                                   ip("2001:db8::1")});
  dns.hosts.emplace("mx2.example.com", std::vector<net::IpAddress>{ip("192.0.2.9")});
  auto t = targets_for("example.com", nullptr, dns.lookups());
  ck_assert(t.ok());
  std::string got = ips(*t);
  ck_assert_str_eq(got.c_str(), "2001:db8::1 192.0.2.1 192.0.2.2 192.0.2.9");
  ck_assert_str_eq(t->targets[0].host.c_str(), "mx1.example.com");
  ck_assert_int_eq(t->targets[3].port, 25);
}
END_TEST

START_TEST(targets_drop_this_host_and_worse_mx) {
  FakeDns dns;
  dns.me = {ip("192.0.2.20")};
  dns.mx.emplace("example.com",
                 mxs({{"best.example.com", 5}, {"me.example.com", 20}, {"worse.example.com", 30}}));
  dns.hosts.emplace("best.example.com", std::vector<net::IpAddress>{ip("192.0.2.5")});
  dns.hosts.emplace("me.example.com", std::vector<net::IpAddress>{ip("192.0.2.20")});
  dns.hosts.emplace("worse.example.com", std::vector<net::IpAddress>{ip("192.0.2.30")});
  auto t = targets_for("example.com", nullptr, dns.lookups());
  ck_assert(t.ok());
  std::string got = ips(*t);
  ck_assert_str_eq(got.c_str(), "192.0.2.5");

  // this host is the best MX: a permanent failure, never a loop
  dns.mx.insert_or_assign("example.com", mxs({{"me.example.com", 5}, {"worse.example.com", 30}}));
  t = targets_for("example.com", nullptr, dns.lookups());
  ck_assert(!t.ok());
  ck_assert(!t.error().temporary());
  ck_assert(t.error().what.find("#5.4.6") != std::string::npos);
}
END_TEST

START_TEST(targets_null_mx_nxdomain_and_temporary_failures) {
  FakeDns dns;
  net::MxLookup null;
  null.kind = net::MxLookup::Kind::kNullMx;
  dns.mx.emplace("null.example", null);
  auto t = targets_for("null.example", nullptr, dns.lookups());
  ck_assert(!t.ok() && !t.error().temporary());
  ck_assert(t.error().what.find("null MX") != std::string::npos);

  t = targets_for("nowhere.example", nullptr, dns.lookups());
  ck_assert(!t.ok() && !t.error().temporary());
  ck_assert(t.error().what.find("#5.1.2") != std::string::npos);

  dns.mx.emplace("fail.example", Result<net::MxLookup>(temp_error("server failure")));
  t = targets_for("fail.example", nullptr, dns.lookups());
  ck_assert(!t.ok() && t.error().temporary());

  // one MX fails temporarily, the other works: use it, and say so
  dns.mx.emplace("half.example", mxs({{"a.half.example", 10}, {"b.half.example", 20}}));
  dns.hosts.emplace("a.half.example", Result<std::vector<net::IpAddress>>(temp_error("timeout")));
  dns.hosts.emplace("b.half.example", std::vector<net::IpAddress>{ip("192.0.2.7")});
  t = targets_for("half.example", nullptr, dns.lookups());
  ck_assert(t.ok());
  ck_assert_int_eq(t->targets.size(), 1);
  ck_assert(!t->note.empty());

  // every MX fails temporarily: temporary
  dns.hosts.insert_or_assign("b.half.example",
                             Result<std::vector<net::IpAddress>>(temp_error("timeout")));
  t = targets_for("half.example", nullptr, dns.lookups());
  ck_assert(!t.ok() && t.error().temporary());
}
END_TEST

START_TEST(targets_relays_and_literals) {
  FakeDns dns;
  dns.hosts.emplace("smart.example", std::vector<net::IpAddress>{ip("192.0.2.44")});
  auto route = parse_route(":smart.example:587");
  ck_assert(route.ok());
  auto t = targets_for("anything.example", &*route, dns.lookups());
  ck_assert(t.ok());
  ck_assert_int_eq(t->targets.size(), 1);
  ck_assert_int_eq(t->targets[0].port, 587);
  ck_assert_str_eq(t->targets[0].host.c_str(), "smart.example");

  auto by_ip = parse_route(":[::1]:2525");
  t = targets_for("anything.example", &*by_ip, dns.lookups());
  ck_assert(t.ok());
  std::string got = ips(*t);
  ck_assert_str_eq(got.c_str(), "::1");

  auto port_only = parse_route("::2626");  // MX as usual, another port
  dns.mx.emplace("example.com", mxs({{"smart.example", 1}}));
  t = targets_for("example.com", &*port_only, dns.lookups());
  ck_assert(t.ok());
  ck_assert_int_eq(t->targets[0].port, 2626);

  t = targets_for("[192.0.2.8]", nullptr, dns.lookups());
  ck_assert(t.ok());
  got = ips(*t);
  ck_assert_str_eq(got.c_str(), "192.0.2.8");
  t = targets_for("[ipv6:2001:db8::8]", nullptr, dns.lookups());
  ck_assert(t.ok());
  t = targets_for("[192.0.2.300]", nullptr, dns.lookups());
  ck_assert(!t.ok() && !t.error().temporary());
  dns.me = {ip("192.0.2.8")};
  t = targets_for("[192.0.2.8]", nullptr, dns.lookups());
  ck_assert(!t.ok() && !t.error().temporary());

  auto missing = parse_route(":nowhere.example");
  t = targets_for("x.example", &*missing, dns.lookups());
  ck_assert(!t.ok() && !t.error().temporary());
}
END_TEST

START_TEST(interleaving_alternates_families) {
  std::vector<net::IpAddress> in = {ip("192.0.2.1"), ip("192.0.2.2"), ip("192.0.2.3"),
                                    ip("2001:db8::1")};
  auto out = interleave_families(in);
  ck_assert_int_eq(out.size(), 4);
  ck_assert(out[0] == ip("2001:db8::1"));
  ck_assert(out[1] == ip("192.0.2.1"));
  ck_assert(out[3] == ip("192.0.2.3"));
}
END_TEST

// ---- reports and paths -----------------------------------------------------

START_TEST(reports_have_one_record_per_recipient_or_none) {
  Reports none(3);
  none.message('Z', "Unable to connect.");
  std::string bytes = none.bytes();
  ck_assert(bytes == std::string("ZUnable to connect.\n") + '\0');

  Reports some(3);
  some.recipient(0, 'r');
  some.recipient(2, 'h', "550 no such user");
  some.message('K', "accepted");
  bytes = some.bytes();
  std::string want = std::string("r") + '\0' + "sNo report for this recipient.\n" + '\0' +
                     "h550 no such user\n" + '\0' + "Kaccepted\n" + '\0';
  ck_assert(bytes == want);

  Reports died(2);
  died.recipient(0, 'r');
  died.message('Z', "connection broke");
  died.message('K', "ignored: the first decision stands");
  bytes = died.bytes();
  want = std::string("r") + '\0' + "sconnection broke\n" + '\0' + "Zconnection broke\n" + '\0';
  ck_assert(bytes == want);

  Reports nul(1);
  nul.message('D', std::string("a\0b", 3));
  bytes = nul.bytes();
  ck_assert(bytes == std::string("Da?b\n") + '\0');

  Reports undecided(1);
  bytes = undecided.bytes();
  ck_assert(bytes[0] == 'Z');
}
END_TEST

START_TEST(reports_records_fill_from_the_message) {
  // nobody has a record of their own: each takes the message's fate, with no text
  const std::pair<char, const char*> fills[] = {{'Z', "s"}, {'D', "h"}, {'K', "r"}};
  for (const auto& [letter, fill] : fills) {
    Reports r(2);
    r.message(letter, "Said so.");
    std::string want = std::string(fill) + '\0';
    std::string got = r.recipient_record(0);
    ck_assert_msg(got == want, "%c: %s", letter, got.c_str());
    got = r.recipient_record(1);
    ck_assert(got == want);
    want = std::string(1, letter) + "Said so.\n" + '\0';
    got = r.message_record();
    ck_assert(got == want);
    // no recipient records in the stream then: the message record says it all
    got = r.bytes();
    ck_assert(got == want);
  }

  // no decision at all: deferred, and the message record says why
  Reports undecided(1);
  std::string rec = undecided.recipient_record(0);
  ck_assert(rec == std::string("s") + '\0');
  std::string msg = undecided.message_record();
  ck_assert(msg.size() > 2 && msg[0] == 'Z' && msg.back() == '\0');
  ck_assert(msg.find("no decision") != std::string::npos);
  ck_assert(msg.find('\0') == msg.size() - 1);

  // records of their own, and the fill of the ones without after a K
  Reports own(3);
  own.recipient(0, 'r', "text of an r is dropped");
  own.recipient(1, 'h', std::string("550 a\0b", 7));
  own.message('K', std::string("Done\0.", 6));
  rec = own.recipient_record(0);
  ck_assert(rec == std::string("r") + '\0');
  rec = own.recipient_record(1);
  ck_assert(rec == std::string("h550 a?b\n") + '\0');
  rec = own.recipient_record(2);
  ck_assert(rec == std::string("sNo report for this recipient.\n") + '\0');
  msg = own.message_record();
  ck_assert(msg == std::string("KDone?.\n") + '\0');
  std::string all = own.bytes();
  ck_assert(all == own.recipient_record(0) + own.recipient_record(1) + own.recipient_record(2) +
                       own.message_record());

  // after a D, a recipient without a record is refused with the message's text
  Reports refused(2);
  refused.recipient(1, 's', "451 later");
  refused.message('D', "554 go away");
  rec = refused.recipient_record(0);
  ck_assert(rec == std::string("h554 go away\n") + '\0');
  rec = refused.recipient_record(1);
  ck_assert(rec == std::string("s451 later\n") + '\0');
}
END_TEST

// ---- which destinations share a transaction ---------------------------------

Target target(const char* address, unsigned preference, const char* host, std::uint16_t port = 25) {
  Target t;
  t.ip = ip(address);
  t.preference = preference;
  t.host = host;
  t.port = port;
  return t;
}

Destination destination(const char* domain, std::vector<Target> targets,
                        TlsPolicy tls = TlsPolicy{}, const AuthRule* auth = nullptr,
                        bool found = true) {
  Destination d;
  d.domain = domain;
  d.ascii_domain = domain;
  d.tls = std::move(tls);
  d.auth = auth;
  d.found = found;
  d.targets.targets = std::move(targets);
  return d;
}

// The usual targets of the shared mail hosts: two of preference 10, one of 20.
std::vector<Target> shared_hosts() {
  return {target("2001:db8::1", 10, "mx1.example.net"), target("192.0.2.1", 10, "mx1.example.net"),
          target("192.0.2.2", 10, "mx2.example.net"), target("192.0.2.3", 20, "mx3.example.net")};
}

TlsPolicy policy(TlsPolicy::Level level) {
  TlsPolicy p;
  p.level = level;
  return p;
}

// The groups as text, "0 2|1|3", for the messages of failed checks.
std::string groups_text(const std::vector<std::vector<std::size_t>>& groups) {
  std::string out;
  for (const auto& g : groups) {
    if (!out.empty()) out += "|";
    for (std::size_t k = 0; k < g.size(); ++k) out += (k ? " " : "") + std::to_string(g[k]);
  }
  return out;
}

START_TEST(sharing_takes_target_sets_in_any_order) {
  Config c;
  std::vector<Target> shuffled = shared_hosts();
  std::swap(shuffled[0], shuffled[2]);
  std::swap(shuffled[1], shuffled[3]);
  std::vector<Destination> ds = {destination("a.example", shared_hosts()),
                                 destination("b.example", shuffled)};
  std::string a = sharing_key(c, ds[0]), b = sharing_key(c, ds[1]);
  ck_assert(!a.empty());
  ck_assert(a == b);
  std::string got = groups_text(share_transactions(c, ds));
  ck_assert_msg(got == "0 1", "%s", got.c_str());
}
END_TEST

START_TEST(sharing_needs_the_same_port_host_ip_and_preference) {
  Config c;
  std::vector<Destination> ds = {destination("base.example", shared_hosts())};
  auto variant = [&](const char* domain, auto change) {
    std::vector<Target> t = shared_hosts();
    change(t[3]);
    ds.push_back(destination(domain, t));
  };
  variant("port.example", [](Target& t) { t.port = 587; });
  variant("host.example", [](Target& t) { t.host = "mx4.example.net"; });
  variant("ip.example", [](Target& t) { t.ip = ip("192.0.2.4"); });
  variant("pref.example", [](Target& t) { t.preference = 30; });
  // one target fewer, or one more, is another set too
  std::vector<Target> fewer = shared_hosts();
  fewer.pop_back();
  ds.push_back(destination("fewer.example", fewer));
  std::vector<Target> more = shared_hosts();
  more.push_back(target("192.0.2.5", 30, "mx5.example.net"));
  ds.push_back(destination("more.example", more));
  ds.push_back(destination("same.example", shared_hosts()));
  for (std::size_t i = 1; i + 1 < ds.size(); ++i) {
    std::string k = sharing_key(c, ds[i]);
    ck_assert_msg(!k.empty() && k != sharing_key(c, ds[0]), "%s", ds[i].domain.c_str());
  }
  std::string got = groups_text(share_transactions(c, ds));
  ck_assert_msg(got == "0 7|1|2|3|4|5|6", "%s", got.c_str());
}
END_TEST

START_TEST(sharing_never_when_the_certificate_names_are_checked) {
  using Level = TlsPolicy::Level;
  Config c;
  for (Level level : {Level::kVerify, Level::kCa}) {
    TlsPolicy p = policy(level);
    if (level == Level::kCa) p.ca_file = "/etc/ssl/pinned.pem";
    std::vector<Destination> ds = {destination("a.example", shared_hosts(), p),
                                   destination("b.example", shared_hosts(), p)};
    ck_assert(sharing_key(c, ds[0]).empty());
    std::string got = groups_text(share_transactions(c, ds));
    ck_assert_msg(got == "0|1", "%s", got.c_str());
  }

  // policies that do not check names share when they are equal
  for (Level level : {Level::kNone, Level::kMay, Level::kEncrypt}) {
    std::vector<Destination> ds = {destination("a.example", shared_hosts(), policy(level)),
                                   destination("b.example", shared_hosts(), policy(level))};
    std::string got = groups_text(share_transactions(c, ds));
    ck_assert_msg(got == "0 1", "level %d: %s", static_cast<int>(level), got.c_str());
  }
  TlsPolicy pin = policy(Level::kFingerprint);
  pin.fingerprints = {std::string(64, 'a'), std::string(64, 'b')};
  TlsPolicy other_pin = pin;
  other_pin.fingerprints[1] = std::string(64, 'c');
  std::vector<Destination> ds = {destination("a.example", shared_hosts(), pin),
                                 destination("b.example", shared_hosts(), other_pin),
                                 destination("c.example", shared_hosts(), pin),
                                 destination("d.example", shared_hosts(), policy(Level::kMay)),
                                 destination("e.example", shared_hosts(), policy(Level::kEncrypt))};
  std::string got = groups_text(share_transactions(c, ds));
  ck_assert_msg(got == "0 2|1|3|4", "%s", got.c_str());
}
END_TEST

START_TEST(sharing_needs_the_same_auth_credentials) {
  Config c;
  AuthRule one{"a.example", "user", "secret"};
  AuthRule same{".example", "user", "secret"};  // another rule, the same credentials
  AuthRule other_password{"c.example", "user", "other"};
  AuthRule other_user{"d.example", "someone", "secret"};
  TlsPolicy enc = policy(TlsPolicy::Level::kEncrypt);
  std::vector<Destination> ds = {destination("a.example", shared_hosts(), enc, &one),
                                 destination("b.example", shared_hosts(), enc, &same),
                                 destination("c.example", shared_hosts(), enc, &other_password),
                                 destination("d.example", shared_hosts(), enc, &other_user),
                                 destination("e.example", shared_hosts(), enc, nullptr)};
  std::string got = groups_text(share_transactions(c, ds));
  ck_assert_msg(got == "0 1|2|3|4", "%s", got.c_str());
}
END_TEST

START_TEST(sharing_never_without_targets) {
  Config c;
  // a failed lookup never shares, even with its twin
  std::vector<Destination> ds = {
      destination("a.example", shared_hosts(), TlsPolicy{}, nullptr, false),
      destination("b.example", shared_hosts(), TlsPolicy{}, nullptr, false),
      destination("c.example", shared_hosts()),
      destination("d.example", {}),
      destination("e.example", {}),
      destination("f.example", shared_hosts())};
  ck_assert(sharing_key(c, ds[0]).empty());
  ck_assert(sharing_key(c, ds[3]).empty());
  std::string got = groups_text(share_transactions(c, ds));
  ck_assert_msg(got == "0|1|2 5|3|4", "%s", got.c_str());
}
END_TEST

START_TEST(sharing_groups_keep_order_and_hold_every_destination_once) {
  Config c;
  std::vector<Target> elsewhere = {target("198.51.100.1", 0, "relay.example.org", 2525)};
  std::vector<Target> third = {target("203.0.113.9", 5, "mx.example.com")};
  // keys: A B A C B (failed) A (verify) B
  std::vector<Destination> ds = {
      destination("a1.example", shared_hosts()),
      destination("b1.example", elsewhere),
      destination("a2.example", shared_hosts()),
      destination("c1.example", third),
      destination("b2.example", elsewhere),
      destination("x.example", shared_hosts(), TlsPolicy{}, nullptr, false),
      destination("a3.example", shared_hosts()),
      destination("v.example", shared_hosts(), policy(TlsPolicy::Level::kVerify)),
      destination("b3.example", elsewhere)};
  auto groups = share_transactions(c, ds);
  std::string got = groups_text(groups);
  ck_assert_msg(got == "0 2 6|1 4 8|3|5|7", "%s", got.c_str());
  std::vector<int> seen(ds.size(), 0);
  for (const auto& g : groups) {
    ck_assert(!g.empty());
    for (std::size_t k = 1; k < g.size(); ++k) ck_assert(g[k - 1] < g[k]);
    for (std::size_t i : g) {
      ck_assert_uint_lt(i, ds.size());
      ++seen[i];
    }
  }
  for (std::size_t i = 0; i < ds.size(); ++i) ck_assert_int_eq(seen[i], 1);
  ck_assert(share_transactions(c, {}).empty());
}
END_TEST

START_TEST(connection_key_names_the_domain_only_when_names_are_checked) {
  using Level = TlsPolicy::Level;
  Config c;
  c.helohost = "me.example";
  Target t = target("192.0.2.1", 10, "mx1.example.net");
  for (Level level : {Level::kNone, Level::kMay, Level::kEncrypt, Level::kFingerprint}) {
    TlsPolicy p = policy(level);
    std::string a = connection_key(c, "a.example", t, p, nullptr);
    std::string b = connection_key(c, "b.example", t, p, nullptr);
    ck_assert_msg(a == b, "level %d", static_cast<int>(level));
  }
  for (Level level : {Level::kVerify, Level::kCa}) {
    TlsPolicy p = policy(level);
    std::string a = connection_key(c, "a.example", t, p, nullptr);
    std::string b = connection_key(c, "b.example", t, p, nullptr);
    std::string again = connection_key(c, "a.example", t, p, nullptr);
    ck_assert_msg(a != b, "level %d", static_cast<int>(level));
    ck_assert(a == again);
  }
  // whatever the policy, the target and the settings count
  TlsPolicy may = policy(Level::kMay);
  std::string base = connection_key(c, "a.example", t, may, nullptr);
  Target port = t;
  port.port = 587;
  Target host = t;
  host.host = "mx2.example.net";
  Target addr = t;
  addr.ip = ip("192.0.2.2");
  ck_assert(connection_key(c, "a.example", port, may, nullptr) != base);
  ck_assert(connection_key(c, "a.example", host, may, nullptr) != base);
  ck_assert(connection_key(c, "a.example", addr, may, nullptr) != base);
  ck_assert(connection_key(c, "a.example", t, policy(Level::kEncrypt), nullptr) != base);
  AuthRule auth{"", "user", "secret"};
  ck_assert(connection_key(c, "a.example", t, may, &auth) != base);
  Config other = c;
  other.helohost = "other.example";
  ck_assert(connection_key(other, "a.example", t, may, nullptr) != base);
  // the preference is the DNS's business, not the connection's
  Target pref = t;
  pref.preference = 50;
  ck_assert(connection_key(c, "a.example", pref, may, nullptr) == base);
}
END_TEST

START_TEST(paths_quote_local_parts_that_are_not_atoms) {
  ck_assert(smtp_path("") == "<>");
  ck_assert(smtp_path("a.b@example.com") == "<a.b@example.com>");
  ck_assert(smtp_path("#@[]") == "<#@[]>");
  ck_assert(smtp_path("john doe@example.com") == "<\"john doe\"@example.com>");
  ck_assert(smtp_path("a\"b@x") == "<\"a\\\"b\"@x>");
  ck_assert(smtp_path(".lead@x") == "<\".lead\"@x>");
  ck_assert(smtp_path("postmaster") == "<postmaster>");

  Address a = prepare_address("user@example.com");
  ck_assert(a.invalid.empty() && !a.needs_utf8);
  a = prepare_address("bad\r\nRCPT TO:<x>@example.com");
  ck_assert(!a.invalid.empty());
  a = prepare_address("j\xc3\xb6rg@example.com");
  ck_assert(a.invalid.empty() && a.needs_utf8);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail-remote");
  TCase* tc = tcase_create("core");
  tcase_add_test(tc, routes_parse_like_qmail);
  tcase_add_test(tc, rules_match_domain_then_suffixes_then_everything);
  tcase_add_test(tc, tls_rules_and_auth_raise_the_policy);
  tcase_add_test(tc, targets_follow_mx_order_with_ipv6_first);
  tcase_add_test(tc, targets_drop_this_host_and_worse_mx);
  tcase_add_test(tc, targets_null_mx_nxdomain_and_temporary_failures);
  tcase_add_test(tc, targets_relays_and_literals);
  tcase_add_test(tc, interleaving_alternates_families);
  tcase_add_test(tc, reports_have_one_record_per_recipient_or_none);
  tcase_add_test(tc, reports_records_fill_from_the_message);
  tcase_add_test(tc, paths_quote_local_parts_that_are_not_atoms);
  tcase_add_test(tc, sharing_takes_target_sets_in_any_order);
  tcase_add_test(tc, sharing_needs_the_same_port_host_ip_and_preference);
  tcase_add_test(tc, sharing_never_when_the_certificate_names_are_checked);
  tcase_add_test(tc, sharing_needs_the_same_auth_credentials);
  tcase_add_test(tc, sharing_never_without_targets);
  tcase_add_test(tc, sharing_groups_keep_order_and_hold_every_destination_once);
  tcase_add_test(tc, connection_key_names_the_domain_only_when_names_are_checked);
  suite_add_tcase(s, tc);
  return s;
}
