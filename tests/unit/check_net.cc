// Unit tests for src/lib/net: addresses (ip.h), this host's addresses
// (ipme.h) and internationalized domain names (idn.h).
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "check_main.h"
#include "config.h"
#include "net/idn.h"
#include "net/ip.h"
#include "net/ipme.h"

/// Compares as strings, holding both values while Check looks at them.
#define expect_eq(got, want)                       \
  do {                                             \
    std::string got_ = (got);                      \
    std::string want_ = (want);                    \
    ck_assert_str_eq(got_.c_str(), want_.c_str()); \
  } while (0)

using namespace qmail;
using namespace qmail::net;

namespace {
std::string round_trip(std::string_view text) {
  auto ip = parse_ip(text);
  return ip ? format_ip(*ip) : std::string("(none)");
}
}  // namespace

START_TEST(parse_ip_reads_both_families) {
  auto v4 = parse_ip("192.0.2.17");
  ck_assert(v4.has_value());
  ck_assert(v4->is_v4());
  ck_assert(*v4 == ipv4(192, 0, 2, 17));
  auto v6 = parse_ip("2001:db8::1");
  ck_assert(v6.has_value());
  ck_assert(v6->is_v6());
  ck_assert_int_eq(v6->bytes[0], 0x20);
  ck_assert_int_eq(v6->bytes[1], 0x01);
  ck_assert_int_eq(v6->bytes[15], 1);
}
END_TEST

START_TEST(parse_ip_turns_mapped_ipv6_into_ipv4) {
  auto ip = parse_ip("::ffff:10.1.2.3");
  ck_assert(ip.has_value());
  ck_assert(ip->is_v4());
  ck_assert(*ip == ipv4(10, 1, 2, 3));
  ck_assert(*parse_ip("::FFFF:a01:203") == ipv4(10, 1, 2, 3));
}
END_TEST

START_TEST(parse_ip_rejects_junk) {
  const char* bad[] = {"",         "1.2.3",     "1.2.3.4.5",    "256.1.1.1", " 1.2.3.4",
                       "1.2.3.4 ", "01.2.3.4",  "fe80::1%eth0", "::1/128",   "1::2::3",
                       "x",        "[1.2.3.4]", "1.2.3.4\n",    "12345::"};
  for (const char* b : bad) ck_assert_msg(!parse_ip(b), "accepted \"%s\"", b);
  ck_assert(!parse_ip(std::string_view("1.2.3.4\0", 8)));
  ck_assert(!parse_ip(std::string(100, '1')));
}
END_TEST

START_TEST(format_ip_follows_rfc_5952) {
  expect_eq(round_trip("192.0.2.1"), "192.0.2.1");
  expect_eq(round_trip("0.0.0.0"), "0.0.0.0");
  expect_eq(round_trip("::"), "::");
  expect_eq(round_trip("::1"), "::1");
  expect_eq(round_trip("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  // a single zero field is not shortened (RFC 5952 4.2.2)
  expect_eq(round_trip("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  // the longest run wins, the first of equal runs (4.2.3)
  expect_eq(round_trip("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
  expect_eq(round_trip("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  expect_eq(round_trip("fe80::abcd:ef01"), "fe80::abcd:ef01");
  expect_eq(round_trip("1:2:3:4:5:6:7:0"), "1:2:3:4:5:6:7:0");
  expect_eq(round_trip("0:0:1:2:3:4:5:6"), "::1:2:3:4:5:6");
  expect_eq(round_trip("1:0:0:0:0:0:0:0"), "1::");
  expect_eq(round_trip("::ffff:127.0.0.1"), "127.0.0.1");
  expect_eq(format_ip(IpAddress{}), "");
}
END_TEST

START_TEST(address_literals_carry_the_ipv6_tag) {
  ck_assert(*parse_address_literal("[192.0.2.1]") == ipv4(192, 0, 2, 1));
  auto v6 = parse_address_literal("[IPv6:2001:db8::5]");
  ck_assert(v6.has_value());
  expect_eq(format_ip(*v6), "2001:db8::5");
  ck_assert(parse_address_literal("[ipv6:::1]").has_value());
  ck_assert(*parse_address_literal("[IPV6:::ffff:1.2.3.4]") == ipv4(1, 2, 3, 4));
  const char* bad[] = {"192.0.2.1",  "[192.0.2.1", "192.0.2.1]",     "[]",
                       "[::1]",      "[IPv6:]",    "[IPv6:1.2.3.4]", "[IPv4:1.2.3.4]",
                       "[ 1.2.3.4]", "[[1.2.3.4]]"};
  for (const char* b : bad) ck_assert_msg(!parse_address_literal(b), "accepted \"%s\"", b);
  expect_eq(format_address_literal(ipv4(10, 0, 0, 1)), "[10.0.0.1]");
  expect_eq(format_address_literal(*parse_ip("::1")), "[IPv6:::1]");
}
END_TEST

START_TEST(sockaddr_conversions_round_trip) {
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(ipv4(127, 0, 0, 1), 2525, ss);
  ck_assert_int_eq(len, sizeof(sockaddr_in));
  std::uint16_t port = 0;
  auto back = from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len, &port);
  ck_assert(back.has_value());
  ck_assert(*back == ipv4(127, 0, 0, 1));
  ck_assert_int_eq(port, 2525);

  // an IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(25);
  ck_assert_int_eq(inet_pton(AF_INET6, "::ffff:192.0.2.9", &sin6.sin6_addr), 1);
  back = from_sockaddr(reinterpret_cast<sockaddr*>(&sin6), sizeof sin6, &port);
  ck_assert(back.has_value());
  ck_assert(*back == ipv4(192, 0, 2, 9));
  ck_assert_int_eq(port, 25);

  len = to_sockaddr(*parse_ip("2001:db8::7"), 587, ss);
  ck_assert_int_eq(len, sizeof(sockaddr_in6));
  back = from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len, &port);
  expect_eq(format_ip(*back), "2001:db8::7");
  ck_assert_int_eq(port, 587);

  ck_assert(!from_sockaddr(reinterpret_cast<sockaddr*>(&ss), 4, &port));
  ck_assert(!from_sockaddr(nullptr, 0, nullptr));
  ck_assert_int_eq(to_sockaddr(IpAddress{}, 1, ss), 0);
}
END_TEST

START_TEST(local_addresses_include_this_host) {
  auto mine = local_addresses();
  ck_assert(mine.ok());
  ck_assert(is_local_address(ipv4(0, 0, 0, 0), *mine));
  ck_assert(is_local_address(*parse_ip("::"), *mine));
  ck_assert(!is_local_address(ipv4(192, 0, 2, 254), *mine));  // TEST-NET-1
  // an address we can bind to is configured here, so it must be listed
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(ipv4(127, 0, 0, 1), 0, ss);
  bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0;
  ::close(fd);
  if (bound) ck_assert(is_local_address(ipv4(127, 0, 0, 1), *mine));
}
END_TEST

START_TEST(domain_to_ascii_leaves_ascii_alone) {
  expect_eq(domain_to_ascii("Example.COM")->c_str(), "Example.COM");
  expect_eq(domain_to_ascii("xn--bcher-kva.example")->c_str(), "xn--bcher-kva.example");
  expect_eq(domain_to_ascii("[192.0.2.1]")->c_str(), "[192.0.2.1]");
  expect_eq(domain_to_ascii("")->c_str(), "");
}
END_TEST

START_TEST(domain_to_ascii_converts_utf8) {
#ifdef QM_HAVE_IDN2
  auto a = domain_to_ascii(
      "b\xc3\xbc"
      "cher.example");
  ck_assert(a.ok());
  expect_eq(a->c_str(), "xn--bcher-kva.example");
  // IDNA2008 non-transitional: sharp s stays itself
  auto b = domain_to_ascii("fa\xc3\x9f.de");
  ck_assert(b.ok());
  expect_eq(b->c_str(), "xn--fa-hia.de");
  // NFC input: u + combining diaeresis is the same name as the precomposed one
  auto c = domain_to_ascii(
      "bu\xcc\x88"
      "cher.example");
  ck_assert(c.ok());
  expect_eq(c->c_str(), "xn--bcher-kva.example");
#else
  auto a = domain_to_ascii(
      "b\xc3\xbc"
      "cher.example");
  ck_assert(!a.ok());
  expect_eq(a.error().what, "IDN support not built in");
#endif
}
END_TEST

START_TEST(domain_to_ascii_rejects_bad_names_permanently) {
  const std::string bad[] = {
      "a\xff.example",                                 // not UTF-8
      "\xc3\xbc" + std::string(70, 'a') + ".example",  // label over 63 octets
      std::string(2000, '\xc3'),                       // over the input limit
      std::string("\xc3\xbc\0x", 4),                   // embedded NUL
  };
  for (const auto& b : bad) {
    auto r = domain_to_ascii(b);
    ck_assert(!r.ok());
    ck_assert(!r.error().temporary());
  }
#ifdef QM_HAVE_IDN2
  expect_eq(domain_to_ascii("a\xff.example").error().what, "invalid internationalized domain name");
#endif
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("net");
  struct {
    const char* name;
    const TTest* test;
  } cases[] = {
      {"parse_ip", parse_ip_reads_both_families},
      {"parse_ip_mapped", parse_ip_turns_mapped_ipv6_into_ipv4},
      {"parse_ip_junk", parse_ip_rejects_junk},
      {"format_ip", format_ip_follows_rfc_5952},
      {"address_literal", address_literals_carry_the_ipv6_tag},
      {"sockaddr", sockaddr_conversions_round_trip},
      {"local_addresses", local_addresses_include_this_host},
      {"domain_to_ascii_ascii", domain_to_ascii_leaves_ascii_alone},
      {"domain_to_ascii_utf8", domain_to_ascii_converts_utf8},
      {"domain_to_ascii_bad", domain_to_ascii_rejects_bad_names_permanently},
  };
  for (const auto& c : cases) {
    TCase* tc = tcase_create(c.name);
    tcase_add_test(tc, c.test);
    suite_add_tcase(s, tc);
  }
  return s;
}
