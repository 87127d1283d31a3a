// check_qmail_remote.cc: the deciding parts of qmail-remote: control-file
// lines (smtproutes, tlsdestinations, smtpauth), rule matching, the targets
// for a destination with made-up DNS answers (MX order, null MX, MX to self,
// relays and literals), the report stream and the SMTP paths.
#include <map>
#include <string>

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
  tcase_add_test(tc, paths_quote_local_parts_that_are_not_atoms);
  suite_add_tcase(s, tc);
  return s;
}
