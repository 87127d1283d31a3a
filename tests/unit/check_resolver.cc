// Unit tests for src/lib/net/dns: the stub resolver against a fake nameserver
// (a thread serving UDP and TCP on one port of 127.0.0.1, answering from a
// function of the question), lookup_mx, lookup_addresses, and the parsers of
// nameserver lists and resolv.conf.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

// check.h defines fail(), which <thread> must not see: it comes last.
#include <check.h>

#include "check_main.h"
#include "net/dns.h"
#include "net/ip.h"
#include "parse/dns_message.h"

/// Compares as strings, holding both values while Check looks at them.
#define expect_eq(got, want)                       \
  do {                                             \
    std::string got_ = (got);                      \
    std::string want_ = (want);                    \
    ck_assert_str_eq(got_.c_str(), want_.c_str()); \
  } while (0)

using namespace qmail;
using namespace qmail::net;
using qmail::parse::DnsType;

namespace {
using Clock = std::chrono::steady_clock;

/// A question as the fake server saw it.
struct Question {
  std::uint16_t id = 0;
  std::string name;  // lower case
  std::uint16_t type = 0;
  bool tcp = false;
};

/// One record of a made-up answer.
struct Rr {
  std::string owner;
  DnsType type;
  std::string rdata;  // already in wire form
};

void put16(std::string& s, unsigned v) {
  s.push_back(static_cast<char>((v >> 8) & 0xff));
  s.push_back(static_cast<char>(v & 0xff));
}

std::string wire_name(std::string_view dotted) {
  std::string out;
  while (!dotted.empty()) {
    auto dot = dotted.find('.');
    std::string_view label = dotted.substr(0, dot);
    out.push_back(static_cast<char>(label.size()));
    out.append(label);
    dotted.remove_prefix(dot == std::string_view::npos ? dotted.size() : dot + 1);
  }
  out.push_back('\0');
  return out;
}

Rr rr_a(std::string owner, const char* ip) {
  auto addr = parse_ip(ip);
  return {std::move(owner), DnsType::kA,
          std::string(reinterpret_cast<const char*>(addr->bytes.data()), 4)};
}
Rr rr_aaaa(std::string owner, const char* ip) {
  unsigned char b[16];
  ck_assert(inet_pton(AF_INET6, ip, b) == 1);
  return {std::move(owner), DnsType::kAaaa, std::string(reinterpret_cast<const char*>(b), 16)};
}
Rr rr_mx(std::string owner, unsigned pref, std::string_view target) {
  std::string data;
  put16(data, pref);
  data += wire_name(target);
  return {std::move(owner), DnsType::kMx, data};
}
Rr rr_cname(std::string owner, std::string_view target) {
  return {std::move(owner), DnsType::kCname, wire_name(target)};
}

/// An answer to `q` (its id and question, as asked) with `rcode` and `records`.
std::string reply(const Question& q, unsigned rcode, const std::vector<Rr>& records = {},
                  bool truncated = false) {
  std::string out;
  put16(out, q.id);
  put16(out, 0x8180 | (truncated ? 0x0200 : 0) | rcode);
  put16(out, 1);
  put16(out, static_cast<unsigned>(records.size()));
  put16(out, 0);
  put16(out, 0);
  out += wire_name(q.name);
  put16(out, q.type);
  put16(out, 1);
  for (const auto& r : records) {
    out += wire_name(r.owner);
    put16(out, static_cast<unsigned>(r.type));
    put16(out, 1);
    put16(out, 0);
    put16(out, 300);
    put16(out, static_cast<unsigned>(r.rdata.size()));
    out += r.rdata;
  }
  return out;
}

/// What the fake server sends back for a question: any number of messages
/// (none: it stays silent).
using Handler = std::function<std::vector<std::string>(const Question&)>;

/// A nameserver on 127.0.0.1 (or ::1): UDP and TCP on one port, served by a
/// thread until the object goes away (or 20 seconds pass).
class FakeServer {
 public:
  explicit FakeServer(Handler handler, int family = AF_INET) : handler_(std::move(handler)) {
    // UDP and TCP must share a port number: take the UDP one the kernel picks
    // and try to bind TCP to it too; a few tries are plenty.
    for (int tries = 0; tries < 20 && tcp_ == -1; ++tries) {
      close_all();
      udp_ = bound_socket(family, SOCK_DGRAM, 0);
      if (udp_ == -1) return;
      port_ = local_port(udp_);
      tcp_ = bound_socket(family, SOCK_STREAM, port_);
    }
    if (tcp_ == -1 || ::listen(tcp_, 8) == -1) {
      close_all();
      return;
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close_all();
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  [[nodiscard]] bool ok() const { return tcp_ != -1; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int udp_questions() const { return udp_count_; }
  [[nodiscard]] int tcp_questions() const { return tcp_count_; }

  /// A resolver that asks only this server, waiting 1 second, once.
  ResolverConfig config(int family = AF_INET) const {
    ResolverConfig c;
    c.servers.push_back({family == AF_INET ? ipv4(127, 0, 0, 1) : *parse_ip("::1"), port_});
    c.timeout_seconds = 1;
    c.attempts = 1;
    return c;
  }

 private:
  static int bound_socket(int family, int type, std::uint16_t port) {
    int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    if (fd == -1) return -1;
    int one = 1;
    if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage ss;
    IpAddress ip = family == AF_INET ? ipv4(127, 0, 0, 1) : *parse_ip("::1");
    socklen_t len = to_sockaddr(ip, port, ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == -1) {
      ::close(fd);
      return -1;
    }
    return fd;
  }
  static std::uint16_t local_port(int fd) {
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    std::uint16_t port = 0;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0)
      (void)from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len, &port);
    return port;
  }
  void close_all() {
    if (udp_ != -1) ::close(udp_);
    if (tcp_ != -1) ::close(tcp_);
    udp_ = tcp_ = -1;
  }

  /// The question of a query, read with the answer parser once QR is set.
  static std::optional<Question> read_question(std::string query, bool tcp) {
    if (query.size() < 12) return std::nullopt;
    query[2] = static_cast<char>(query[2] | 0x80);
    auto parsed = parse::parse_dns_answer(query);
    if (!parsed) return std::nullopt;
    return Question{parsed->id, parsed->question, parsed->question_type, tcp};
  }

  void serve() {
    auto give_up = Clock::now() + std::chrono::seconds(20);
    while (!stop_ && Clock::now() < give_up) {
      pollfd p[2] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
      if (::poll(p, 2, 20) <= 0) continue;
      if (p[0].revents & POLLIN) serve_udp();
      if (p[1].revents & POLLIN) serve_tcp();
    }
  }

  void serve_udp() {
    char buf[4096];
    sockaddr_storage from;
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(udp_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) return;
    auto q = read_question(std::string(buf, static_cast<std::size_t>(n)), false);
    if (!q) return;
    ++udp_count_;
    for (const auto& m : handler_(*q))
      (void)::sendto(udp_, m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
  }

  void serve_tcp() {
    int fd = ::accept(tcp_, nullptr, nullptr);
    if (fd == -1) return;
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    unsigned char head[2];
    std::string query;
    if (::recv(fd, head, 2, MSG_WAITALL) == 2) {
      query.resize((std::size_t{head[0]} << 8) | head[1]);
      if (::recv(fd, query.data(), query.size(), MSG_WAITALL) != static_cast<ssize_t>(query.size()))
        query.clear();
    }
    if (auto q = read_question(query, true)) {
      ++tcp_count_;
      for (const auto& m : handler_(*q)) {
        std::string framed;
        put16(framed, static_cast<unsigned>(m.size()));
        framed += m;
        (void)::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL);
      }
    }
    ::close(fd);
  }

  Handler handler_;
  int udp_ = -1;
  int tcp_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> udp_count_{0};
  std::atomic<int> tcp_count_{0};
  std::thread thread_;
};

constexpr unsigned kNoError = 0, kServFail = 2, kNxDomain = 3, kRefused = 5;

/// A server answering from a table of names: MX, A, AAAA and CNAME records;
/// names not in it are NXDOMAIN.
std::vector<std::string> from_table(const Question& q) {
  static const std::vector<Rr> table = {
      rr_mx("example.com", 20, "mx2.example.com"), rr_mx("example.com", 10, "mx1.example.com"),
      rr_mx("example.com", 30, "mx3.example.com"), rr_a("mx1.example.com", "192.0.2.1"),
      rr_aaaa("mx1.example.com", "2001:db8::1"),   rr_a("nomx.example.com", "192.0.2.9"),
  };
  std::vector<Rr> out;
  bool exists = false;
  for (const auto& r : table) {
    if (!parse::dns_name_equal(r.owner, q.name)) continue;
    exists = true;
    if (static_cast<unsigned>(r.type) == q.type) out.push_back(r);
  }
  return {reply(q, exists ? kNoError : kNxDomain, out)};
}

std::vector<std::string> hosts_of(const MxLookup& mx) {
  std::vector<std::string> out;
  for (const auto& h : mx.hosts) out.push_back(h.name);
  return out;
}
}  // namespace

START_TEST(query_returns_the_matching_answer) {
  FakeServer server(from_table);
  ck_assert(server.ok());
  Resolver resolver(server.config());
  auto got = resolver.query("MX1.Example.COM.", DnsType::kA);
  ck_assert_msg(got.ok(), "%s", got.ok() ? "" : got.error().text().c_str());
  ck_assert(got->rcode == parse::DnsRcode::kNoError);
  ck_assert_int_eq(got->records.size(), 1);
  ck_assert_int_eq(got->records[0].address[3], 1);
  auto none = resolver.query("nothing.example.com", DnsType::kA);
  ck_assert(none.ok());
  ck_assert(none->rcode == parse::DnsRcode::kNxDomain);
  ck_assert_int_eq(server.udp_questions(), 2);
  auto bad = resolver.query("a..b", DnsType::kA);
  ck_assert(!bad.ok());
  ck_assert(!bad.error().temporary());
}
END_TEST

START_TEST(query_fails_temporarily_when_servers_fail) {
  FakeServer servfail([](const Question& q) { return std::vector{reply(q, kServFail)}; });
  FakeServer refused([](const Question& q) { return std::vector{reply(q, kRefused)}; });
  ck_assert(servfail.ok() && refused.ok());
  Resolver one(servfail.config());
  auto got = one.query("example.com", DnsType::kMx);
  ck_assert(!got.ok());
  ck_assert(got.error().kind == ErrorKind::kTemporary);
  expect_eq(got.error().text(), "DNS lookup of example.com failed: server failure");
  Resolver other(refused.config());
  auto r = other.query("example.com", DnsType::kMx);
  ck_assert(!r.ok());
  expect_eq(r.error().text(), "DNS lookup of example.com failed: query refused");
  // a failing server makes the resolver ask the next one, in every round
  FakeServer good(from_table);
  ResolverConfig both = servfail.config();
  both.servers.push_back(good.config().servers[0]);
  both.attempts = 2;
  Resolver two(both);
  auto ok = two.query("example.com", DnsType::kMx);
  ck_assert(ok.ok());
  ck_assert_int_eq(ok->records.size(), 3);
  ck_assert_int_eq(servfail.udp_questions(), 2);  // once for `one`, once here
  ck_assert_int_eq(good.udp_questions(), 1);
}
END_TEST

START_TEST(query_times_out_when_no_answer_comes) {
  FakeServer silent([](const Question&) { return std::vector<std::string>{}; });
  ck_assert(silent.ok());
  Resolver resolver(silent.config());
  auto start = Clock::now();
  auto got = resolver.query("example.com", DnsType::kA);
  auto took = Clock::now() - start;
  ck_assert(!got.ok());
  ck_assert(got.error().kind == ErrorKind::kTemporary);
  ck_assert_int_eq(got.error().errnum, ETIMEDOUT);
  expect_eq(got.error().what, "DNS lookup of example.com timed out");
  ck_assert(took >= std::chrono::milliseconds(900));
  ck_assert(took < std::chrono::seconds(3));
}
END_TEST

START_TEST(query_fails_when_nothing_listens) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sin;
  ck_assert(::bind(fd, reinterpret_cast<sockaddr*>(&sin), len) == 0);
  ck_assert(::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len) == 0);
  ::close(fd);  // the port is now (most likely) closed: ICMP port unreachable
  ResolverConfig c;
  c.servers.push_back({ipv4(127, 0, 0, 1), ntohs(sin.sin_port)});
  c.timeout_seconds = 1;
  c.attempts = 1;
  Resolver resolver(c);
  auto got = resolver.query("example.com", DnsType::kA);
  ck_assert(!got.ok());
  ck_assert(got.error().temporary());
}
END_TEST

START_TEST(query_ignores_answers_that_do_not_match) {
  FakeServer server([](const Question& q) {
    Question wrong_id = q, wrong_name = q, wrong_type = q;
    wrong_id.id = static_cast<std::uint16_t>(q.id + 1);
    wrong_name.name = "evil.example.com";
    wrong_type.type = 28;
    std::string not_a_response = reply(q, kNoError, {rr_a(q.name, "10.6.6.6")});
    not_a_response[2] = static_cast<char>(not_a_response[2] & 0x7f);
    Question upper = q;
    upper.name = "EXAMPLE.com";  // servers may echo the question in another case
    return std::vector{reply(wrong_id, kNoError, {rr_a(q.name, "10.6.6.1")}),
                       reply(wrong_name, kNoError, {rr_a(q.name, "10.6.6.2")}),
                       reply(wrong_type, kNoError, {rr_a(q.name, "10.6.6.3")}),
                       std::string("garbage"),
                       not_a_response,
                       reply(upper, kNoError, {rr_a(q.name, "192.0.2.80")})};
  });
  ck_assert(server.ok());
  Resolver resolver(server.config());
  auto got = resolver.query("example.com", DnsType::kA);
  ck_assert(got.ok());
  ck_assert_int_eq(got->records.size(), 1);
  ck_assert_int_eq(got->records[0].address[3], 80);
}
END_TEST

START_TEST(query_asks_again_over_tcp_when_truncated) {
  FakeServer server([](const Question& q) {
    std::vector<Rr> many;
    for (int i = 0; i < 40; ++i) {
      std::string ip = "192.0.2." + std::to_string(i + 1);
      many.push_back(rr_a(q.name, ip.c_str()));
    }
    if (!q.tcp) return std::vector{reply(q, kNoError, {many[0]}, true)};
    return std::vector{reply(q, kNoError, many)};
  });
  ck_assert(server.ok());
  Resolver resolver(server.config());
  auto got = resolver.query("big.example.com", DnsType::kA);
  ck_assert_msg(got.ok(), "%s", got.ok() ? "" : got.error().text().c_str());
  ck_assert(!got->truncated);
  ck_assert_int_eq(got->records.size(), 40);
  ck_assert_int_eq(got->records[39].address[3], 40);
  ck_assert_int_eq(server.udp_questions(), 1);
  ck_assert_int_eq(server.tcp_questions(), 1);
}
END_TEST

START_TEST(query_treats_a_bad_tcp_answer_as_failure) {
  FakeServer server([](const Question& q) {
    if (!q.tcp) return std::vector{reply(q, kNoError, {}, true)};
    Question other = q;
    other.id = static_cast<std::uint16_t>(q.id ^ 1);
    return std::vector{reply(other, kNoError)};
  });
  ck_assert(server.ok());
  Resolver resolver(server.config());
  auto got = resolver.query("big.example.com", DnsType::kA);
  ck_assert(!got.ok());
  ck_assert(got.error().temporary());
  expect_eq(got.error().what, "DNS lookup of big.example.com failed: malformed answer");
}
END_TEST

START_TEST(query_uses_ipv6_nameservers) {
  FakeServer server(from_table, AF_INET6);
  if (!server.ok()) return;  // no ::1 on this host
  Resolver resolver(server.config(AF_INET6));
  auto got = resolver.query("mx1.example.com", DnsType::kAaaa);
  ck_assert(got.ok());
  ck_assert_int_eq(got->records.size(), 1);
}
END_TEST

START_TEST(lookup_mx_orders_by_preference) {
  FakeServer server(from_table);
  Resolver resolver(server.config());
  auto mx = lookup_mx(resolver, "Example.com.");
  ck_assert(mx.ok());
  ck_assert(mx->kind == MxLookup::Kind::kMx);
  expect_eq(mx->canonical, "example.com");
  ck_assert_int_eq(mx->hosts.size(), 3);
  expect_eq(mx->hosts[0].name, "mx1.example.com");
  ck_assert_int_eq(mx->hosts[0].preference, 10);
  expect_eq(mx->hosts[1].name, "mx2.example.com");
  expect_eq(mx->hosts[2].name, "mx3.example.com");
  ck_assert_int_eq(mx->hosts[2].preference, 30);
}
END_TEST

START_TEST(lookup_mx_shuffles_equal_preferences) {
  FakeServer server([](const Question& q) {
    return std::vector{reply(q, kNoError,
                             {rr_mx(q.name, 10, "a.example"), rr_mx(q.name, 10, "b.example"),
                              rr_mx(q.name, 5, "first.example")})};
  });
  Resolver resolver(server.config());
  std::set<std::vector<std::string>> orders;
  for (int i = 0; i < 50 && orders.size() < 2; ++i) {
    auto mx = lookup_mx(resolver, "example.com");
    ck_assert(mx.ok());
    auto hosts = hosts_of(*mx);
    ck_assert_int_eq(hosts.size(), 3);
    expect_eq(hosts[0], "first.example");
    ck_assert(std::set<std::string>(hosts.begin() + 1, hosts.end()) ==
              std::set<std::string>({"a.example", "b.example"}));
    orders.insert(hosts);
  }
  ck_assert_int_eq(orders.size(), 2);
}
END_TEST

START_TEST(lookup_mx_knows_null_mx) {
  FakeServer server([](const Question& q) {
    if (q.name == "null.example") return std::vector{reply(q, kNoError, {rr_mx(q.name, 0, "")})};
    return std::vector{
        reply(q, kNoError, {rr_mx(q.name, 0, ""), rr_mx(q.name, 10, "mx.mixed.example")})};
  });
  Resolver resolver(server.config());
  auto null = lookup_mx(resolver, "null.example");
  ck_assert(null.ok());
  ck_assert(null->kind == MxLookup::Kind::kNullMx);
  ck_assert(null->hosts.empty());
  auto mixed = lookup_mx(resolver, "mixed.example");
  ck_assert(mixed.ok());
  ck_assert(mixed->kind == MxLookup::Kind::kMx);
  ck_assert_int_eq(mixed->hosts.size(), 1);
  expect_eq(mixed->hosts[0].name, "mx.mixed.example");
}
END_TEST

START_TEST(lookup_mx_falls_back_to_the_domain) {
  FakeServer server(from_table);
  Resolver resolver(server.config());
  auto mx = lookup_mx(resolver, "NoMX.example.com");
  ck_assert(mx.ok());
  ck_assert(mx->kind == MxLookup::Kind::kImplicit);
  ck_assert_int_eq(mx->hosts.size(), 1);
  expect_eq(mx->hosts[0].name, "nomx.example.com");
  ck_assert_int_eq(mx->hosts[0].preference, 0);
  auto gone = lookup_mx(resolver, "nowhere.example.com");
  ck_assert(!gone.ok());
  ck_assert(gone.error().kind == ErrorKind::kPermanent);
  expect_eq(gone.error().what, "no host named nowhere.example.com");
}
END_TEST

START_TEST(lookup_mx_follows_cnames) {
  FakeServer server([](const Question& q) {
    // alias -> real inside one answer; hop -> real needs a second question;
    // loop1 <-> loop2 and chainN -> chainN+1 never end
    if (q.name == "alias.example")
      return std::vector{reply(q, kNoError,
                               {rr_cname("alias.example", "real.example"),
                                rr_mx("real.example", 10, "mx.real.example")})};
    if (q.name == "hop.example")
      return std::vector{reply(q, kNoError, {rr_cname("hop.example", "real.example")})};
    if (q.name == "real.example")
      return std::vector{reply(q, kNoError, {rr_mx("real.example", 10, "mx.real.example")})};
    if (q.name == "plain.example")
      return std::vector{reply(q, kNoError, {rr_cname("plain.example", "host.example")})};
    if (q.name == "host.example") return std::vector{reply(q, kNoError)};
    if (q.name.starts_with("loop"))
      return std::vector{reply(q, kNoError,
                               {rr_cname("loop1.example", "loop2.example"),
                                rr_cname("loop2.example", "loop1.example")})};
    if (q.name.starts_with("chain")) {
      int n = std::stoi(q.name.substr(5));
      std::string next = "chain" + std::to_string(n + 1) + ".example";
      return std::vector{reply(q, kNoError, {rr_cname(q.name, next)})};
    }
    return std::vector{reply(q, kNxDomain)};
  });
  Resolver resolver(server.config());
  auto alias = lookup_mx(resolver, "alias.example");
  ck_assert(alias.ok());
  expect_eq(alias->canonical, "real.example");
  expect_eq(alias->hosts[0].name, "mx.real.example");
  ck_assert_int_eq(server.udp_questions(), 1);
  auto hop = lookup_mx(resolver, "hop.example");
  ck_assert(hop.ok());
  expect_eq(hop->canonical, "real.example");
  ck_assert_int_eq(server.udp_questions(), 3);
  auto plain = lookup_mx(resolver, "plain.example");
  ck_assert(plain.ok());
  ck_assert(plain->kind == MxLookup::Kind::kImplicit);
  expect_eq(plain->hosts[0].name, "host.example");
  auto loop = lookup_mx(resolver, "loop1.example");
  ck_assert(!loop.ok());
  ck_assert(loop.error().temporary());
  expect_eq(loop.error().what, "DNS lookup of loop1.example failed: CNAME chain too long");
  int before = server.udp_questions();
  auto chain = lookup_mx(resolver, "chain0.example");
  ck_assert(!chain.ok());
  ck_assert(chain.error().temporary());
  ck_assert_int_eq(server.udp_questions() - before, 9);  // chain0 .. chain8
}
END_TEST

START_TEST(lookup_addresses_gives_v6_then_v4) {
  FakeServer server(from_table);
  Resolver resolver(server.config());
  auto both = lookup_addresses(resolver, "mx1.example.com");
  ck_assert(both.ok());
  ck_assert_int_eq(both->size(), 2);
  expect_eq(format_ip((*both)[0]), "2001:db8::1");
  expect_eq(format_ip((*both)[1]), "192.0.2.1");
  auto v4 = lookup_addresses(resolver, "mx1.example.com", false, true);
  ck_assert(v4.ok());
  ck_assert_int_eq(v4->size(), 1);
  ck_assert((*v4)[0].is_v4());
  auto v6 = lookup_addresses(resolver, "mx1.example.com", true, false);
  ck_assert(v6.ok());
  ck_assert_int_eq(v6->size(), 1);
  ck_assert((*v6)[0].is_v6());
  auto none = lookup_addresses(resolver, "example.com");
  ck_assert(none.ok());
  ck_assert(none->empty());
  auto gone = lookup_addresses(resolver, "nowhere.example.com");
  ck_assert(!gone.ok());
  ck_assert(gone.error().kind == ErrorKind::kPermanent);
  expect_eq(gone.error().what, "no host named nowhere.example.com");
}
END_TEST

START_TEST(lookup_addresses_dedupes_and_follows_cnames) {
  FakeServer server([](const Question& q) {
    if (q.name == "www.example")
      return std::vector{reply(
          q, kNoError,
          {rr_cname("www.example", "edge.example"), rr_aaaa("edge.example", "::ffff:192.0.2.7"),
           rr_aaaa("edge.example", "2001:db8::7"), rr_a("edge.example", "192.0.2.7"),
           rr_a("other.example", "10.9.9.9")})};
    return std::vector{reply(q, kNxDomain)};
  });
  Resolver resolver(server.config());
  auto got = lookup_addresses(resolver, "www.example");
  ck_assert(got.ok());
  ck_assert_int_eq(got->size(), 2);
  expect_eq(format_ip((*got)[0]), "192.0.2.7");  // the mapped AAAA, as IPv4
  expect_eq(format_ip((*got)[1]), "2001:db8::7");
}
END_TEST

START_TEST(lookup_addresses_survives_one_failing_family) {
  FakeServer server([](const Question& q) {
    bool aaaa = q.type == 28;
    if (q.name == "v4only.example")
      return std::vector{aaaa ? reply(q, kServFail)
                              : reply(q, kNoError, {rr_a(q.name, "192.0.2.4")})};
    if (q.name == "empty.example")
      return std::vector{aaaa ? reply(q, kServFail) : reply(q, kNoError)};
    return std::vector{reply(q, kServFail)};
  });
  Resolver resolver(server.config());
  auto v4 = lookup_addresses(resolver, "v4only.example");
  ck_assert(v4.ok());
  ck_assert_int_eq(v4->size(), 1);
  auto empty = lookup_addresses(resolver, "empty.example");
  ck_assert(!empty.ok());
  ck_assert(empty.error().kind == ErrorKind::kTemporary);
  auto broken = lookup_addresses(resolver, "broken.example");
  ck_assert(!broken.ok());
  ck_assert(broken.error().kind == ErrorKind::kTemporary);
  expect_eq(broken.error().what, "DNS lookup of broken.example failed: server failure");
}
END_TEST

START_TEST(parse_nameservers_reads_lists) {
  auto list = parse_nameservers("192.0.2.1, ::1\n127.0.0.5:5353 [::1]:5300\t[2001:db8::53]");
  ck_assert(list.has_value());
  ck_assert_int_eq(list->size(), 5);
  ck_assert((*list)[0] == (Nameserver{ipv4(192, 0, 2, 1), 53}));
  ck_assert((*list)[1] == (Nameserver{*parse_ip("::1"), 53}));
  ck_assert((*list)[2] == (Nameserver{ipv4(127, 0, 0, 5), 5353}));
  ck_assert((*list)[3] == (Nameserver{*parse_ip("::1"), 5300}));
  ck_assert((*list)[4] == (Nameserver{*parse_ip("2001:db8::53"), 53}));
  const char* bad[] = {
      "",        " , \n", "localhost", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:",
      "::1:53x", "[::1",  "[::1]53",   "[::1]:",    "fe80::1%eth0",  "1.2.3.4 nope"};
  for (const char* b : bad) ck_assert_msg(!parse_nameservers(b), "accepted \"%s\"", b);
  std::string twenty;
  for (int i = 1; i <= 20; ++i) twenty += "10.0.0." + std::to_string(i) + " ";
  auto capped = parse_nameservers(twenty);
  ck_assert(capped.has_value());
  ck_assert_int_eq(capped->size(), 16);
}
END_TEST

START_TEST(parse_resolv_conf_reads_servers_and_options) {
  auto c = parse_resolv_conf(
      "# comment\n"
      "search example.com\n"
      "nameserver 192.0.2.53\n"
      "  nameserver 2001:db8::53 ; trailing comment\n"
      "nameserver fe80::1%eth0\n"
      "nameserver bogus\n"
      "nameserver\n"
      "options rotate timeout:3 attempts:4 ndots:2\r\n");
  ck_assert_int_eq(c.servers.size(), 2);
  ck_assert(c.servers[0] == (Nameserver{ipv4(192, 0, 2, 53), 53}));
  ck_assert(c.servers[1] == (Nameserver{*parse_ip("2001:db8::53"), 53}));
  ck_assert_int_eq(c.timeout_seconds, 3);
  ck_assert_int_eq(c.attempts, 4);
  auto clamped =
      parse_resolv_conf("options timeout:0 attempts:99\noptions timeout:1000000000000\n");
  ck_assert_int_eq(clamped.timeout_seconds, 30);
  ck_assert_int_eq(clamped.attempts, 5);
  auto low = parse_resolv_conf("options timeout:0 attempts:0");
  ck_assert_int_eq(low.timeout_seconds, 1);
  ck_assert_int_eq(low.attempts, 1);
  auto empty = parse_resolv_conf("");
  ck_assert(empty.servers.empty());
  ck_assert_int_eq(empty.timeout_seconds, 5);
  ck_assert_int_eq(empty.attempts, 2);
  std::string many;
  for (int i = 1; i <= 20; ++i) many += "nameserver 10.0.0." + std::to_string(i) + "\n";
  ck_assert_int_eq(parse_resolv_conf(many).servers.size(), 16);
  auto missing = system_resolver("/nonexistent/resolv.conf");
  ck_assert(missing.servers.empty());
  ck_assert_int_eq(missing.timeout_seconds, 5);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("resolver");
  TCase* tc = tcase_create("query");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, query_returns_the_matching_answer);
  tcase_add_test(tc, query_fails_temporarily_when_servers_fail);
  tcase_add_test(tc, query_times_out_when_no_answer_comes);
  tcase_add_test(tc, query_fails_when_nothing_listens);
  tcase_add_test(tc, query_ignores_answers_that_do_not_match);
  tcase_add_test(tc, query_asks_again_over_tcp_when_truncated);
  tcase_add_test(tc, query_treats_a_bad_tcp_answer_as_failure);
  tcase_add_test(tc, query_uses_ipv6_nameservers);
  suite_add_tcase(s, tc);
  tc = tcase_create("lookup_mx");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, lookup_mx_orders_by_preference);
  tcase_add_test(tc, lookup_mx_shuffles_equal_preferences);
  tcase_add_test(tc, lookup_mx_knows_null_mx);
  tcase_add_test(tc, lookup_mx_falls_back_to_the_domain);
  tcase_add_test(tc, lookup_mx_follows_cnames);
  suite_add_tcase(s, tc);
  tc = tcase_create("lookup_addresses");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, lookup_addresses_gives_v6_then_v4);
  tcase_add_test(tc, lookup_addresses_dedupes_and_follows_cnames);
  tcase_add_test(tc, lookup_addresses_survives_one_failing_family);
  suite_add_tcase(s, tc);
  tc = tcase_create("configuration");
  tcase_add_test(tc, parse_nameservers_reads_lists);
  tcase_add_test(tc, parse_resolv_conf_reads_servers_and_options);
  suite_add_tcase(s, tc);
  return s;
}
