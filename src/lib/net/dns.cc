// dns.cc: the stub resolver.  Every answer comes from the network and is read
// by parse_dns_answer(); an answer counts only when it repeats our id, name and
// type, so a datagram from elsewhere (or for an earlier query) cannot poison a
// lookup.  UDP sockets are connected, so the kernel drops datagrams from other
// addresses; query ids are random and the source port is the kernel's choice.
#include "net/dns.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include "base/fd.h"
#include "base/str.h"
#include "sys/open.h"

namespace qmail::net {

namespace {
using parse::DnsAnswer;
using parse::DnsRcode;
using parse::DnsRecord;
using parse::DnsType;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxNameservers = 16;    // more than anyone lists; glibc uses 3
constexpr unsigned kMaxCnameHops = 8;          // qmail-remote follows no longer chains
constexpr std::size_t kMaxResolvConf = 65536;  // a resolv.conf is a few lines
constexpr unsigned kMaxTimeout = 30;           // glibc's RES_MAXRETRANS
constexpr unsigned kMaxAttempts = 5;           // glibc's RES_MAXRETRY

/// Fills `buf` from the kernel's random source; false when it cannot be read.
bool random_bytes(unsigned char* buf, std::size_t n) {
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd == -1) return false;
  Fd owner(fd);
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, buf + got, n - got);
    if (r == -1 && errno == EINTR) continue;
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

/// A random number; without /dev/urandom (a broken chroot), a mix of the
/// clock and the previous value, which is weak but keeps mail moving.
std::uint32_t random_u32(std::uint32_t& fallback) {
  unsigned char b[4];
  if (random_bytes(b, sizeof b))
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
  auto ticks = static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
  fallback = fallback * 1664525u + 1013904223u + static_cast<std::uint32_t>(ticks ^ (ticks >> 32)) +
             static_cast<std::uint32_t>(::getpid());
  return fallback;
}

std::string lower_without_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return ascii_lower(name);
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  auto n = scan_u64(text);
  if (!n || *n == 0 || *n > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

/// One server of a list: "1.2.3.4", "::1", "1.2.3.4:53" or "[::1]:53".
std::optional<Nameserver> parse_nameserver(std::string_view text) {
  Nameserver ns;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto ip = parse_ip(text.substr(1, close - 1));
    if (!ip) return std::nullopt;
    ns.ip = *ip;
    std::string_view rest = text.substr(close + 1);
    if (rest.empty()) return ns;
    if (rest.front() != ':') return std::nullopt;
    auto port = parse_port(rest.substr(1));
    if (!port) return std::nullopt;
    ns.port = *port;
    return ns;
  }
  if (auto ip = parse_ip(text)) {
    ns.ip = *ip;
    return ns;
  }
  // "host:port" only for IPv4: an IPv6 address with a port needs brackets.
  auto colon = text.find(':');
  if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos)
    return std::nullopt;
  auto ip = parse_ip(text.substr(0, colon));
  auto port = parse_port(text.substr(colon + 1));
  if (!ip || !ip->is_v4() || !port) return std::nullopt;
  ns.ip = *ip;
  ns.port = *port;
  return ns;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ','; }

/// Splits `text` at blanks (and commas) into its words.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_blank(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

unsigned clamp_option(std::string_view value, unsigned low, unsigned high, unsigned old) {
  if (value.empty() || value.size() > 9) return value.empty() ? old : high;
  auto n = scan_u64(value);
  if (!n) return old;
  return static_cast<unsigned>(std::clamp<std::uint64_t>(*n, low, high));
}

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return 0;
  return static_cast<int>(std::min<std::int64_t>(left.count(), 3600 * 1000));
}

/// Waits for `events` on `fd` until the deadline: 1 ready, 0 timed out, -1 error.
int wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    int ms = ms_left(deadline);
    if (ms == 0) return 0;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, ms);
    if (r == -1 && errno == EINTR) continue;
    if (r == -1) return -1;
    if (r == 0) continue;  // the loop looks at the clock again
    return 1;
  }
}

/// How asking one server went.
struct Exchange {
  enum class Outcome { kAnswer, kTimeout, kNetError, kBadAnswer } outcome = Outcome::kTimeout;
  int errnum = 0;
  std::optional<DnsAnswer> answer;
};

Exchange net_error() { return {Exchange::Outcome::kNetError, errno, std::nullopt}; }
Exchange timed_out() { return {Exchange::Outcome::kTimeout, ETIMEDOUT, std::nullopt}; }

bool matches(const DnsAnswer& a, std::uint16_t id, std::string_view name, DnsType type) {
  return a.id == id && a.question_type == static_cast<std::uint16_t>(type) &&
         parse::dns_name_equal(a.question, name);
}

Result<Fd> connected_socket(const Nameserver& ns, int type) {
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(ns.ip, ns.port, ss);
  if (len == 0) return Error{ErrorKind::kTemporary, EAFNOSUPPORT, "bad nameserver address"};
  int fd = ::socket(ns.ip.family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd == -1) return sys_error("unable to create a socket");
  Fd sock(fd);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) == -1 && errno != EINPROGRESS)
    return sys_error("unable to connect to the nameserver");
  return sock;
}

/// One UDP query: datagrams that do not parse or do not match are ignored
/// until the deadline (an attacker's guesses, or late answers to earlier ids).
Exchange ask_udp(const Nameserver& ns, const std::string& query, std::uint16_t id,
                 std::string_view name, DnsType type, unsigned timeout) {
  auto sock = connected_socket(ns, SOCK_DGRAM);
  if (!sock) return {Exchange::Outcome::kNetError, sock.error().errnum, std::nullopt};
  int fd = sock->get();
  if (::send(fd, query.data(), query.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(query.size()))
    return net_error();
  auto deadline = Clock::now() + std::chrono::seconds(timeout);
  std::string buf(parse::kMaxDnsMessage, '\0');
  for (;;) {
    int ready = wait_for(fd, POLLIN, deadline);
    if (ready == 0) return timed_out();
    if (ready < 0) return net_error();
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n == -1) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return net_error();  // e.g. ECONNREFUSED: nothing listens on the port
    }
    auto answer =
        parse::parse_dns_answer(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    if (answer && matches(*answer, id, name, type))
      return {Exchange::Outcome::kAnswer, 0, std::move(answer)};
  }
}

/// Writes all of `data` before the deadline.
bool send_all(int fd, std::string_view data, Clock::time_point deadline, Exchange& failed) {
  while (!data.empty()) {
    int ready = wait_for(fd, POLLOUT, deadline);
    if (ready <= 0) {
      failed = ready == 0 ? timed_out() : net_error();
      return false;
    }
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n == -1 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) {
      failed = net_error();
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

/// Reads exactly `want` bytes into `out` before the deadline.
bool recv_all(int fd, std::string& out, std::size_t want, Clock::time_point deadline,
              Exchange& failed) {
  out.assign(want, '\0');
  std::size_t got = 0;
  while (got < want) {
    int ready = wait_for(fd, POLLIN, deadline);
    if (ready <= 0) {
      failed = ready == 0 ? timed_out() : net_error();
      return false;
    }
    ssize_t n = ::recv(fd, out.data() + got, want - got, 0);
    if (n == -1 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n == -1) {
      failed = net_error();
      return false;
    }
    if (n == 0) {
      failed = {Exchange::Outcome::kBadAnswer, 0, std::nullopt};  // closed mid-answer
      return false;
    }
    got += static_cast<std::size_t>(n);
  }
  return true;
}

/// The same query over TCP (RFC 1035 4.2.2: a two-byte length before each
/// message), the whole exchange within `timeout`.
Exchange ask_tcp(const Nameserver& ns, const std::string& query, std::uint16_t id,
                 std::string_view name, DnsType type, unsigned timeout) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout);
  auto sock = connected_socket(ns, SOCK_STREAM);
  if (!sock) return {Exchange::Outcome::kNetError, sock.error().errnum, std::nullopt};
  int fd = sock->get();
  Exchange failed;
  int ready = wait_for(fd, POLLOUT, deadline);
  if (ready == 0) return timed_out();
  if (ready < 0) return net_error();
  int soerr = 0;
  socklen_t soerr_len = sizeof soerr;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) == -1) return net_error();
  if (soerr != 0) return {Exchange::Outcome::kNetError, soerr, std::nullopt};

  std::string framed;
  framed.push_back(static_cast<char>((query.size() >> 8) & 0xff));
  framed.push_back(static_cast<char>(query.size() & 0xff));
  framed += query;
  if (!send_all(fd, framed, deadline, failed)) return failed;
  std::string len_bytes, message;
  if (!recv_all(fd, len_bytes, 2, deadline, failed)) return failed;
  std::size_t len = (std::size_t{static_cast<unsigned char>(len_bytes[0])} << 8) |
                    static_cast<unsigned char>(len_bytes[1]);
  if (!recv_all(fd, message, len, deadline, failed)) return failed;
  auto answer = parse::parse_dns_answer(message);
  // Over TCP nothing else can arrive: an answer that does not match is bad.
  if (!answer || !matches(*answer, id, name, type))
    return {Exchange::Outcome::kBadAnswer, 0, std::nullopt};
  return {Exchange::Outcome::kAnswer, 0, std::move(answer)};
}

const DnsRecord* find_record(const DnsAnswer& a, std::string_view owner, DnsType type) {
  for (const auto& r : a.records)
    if (r.type == type && parse::dns_name_equal(r.owner, owner)) return &r;
  return nullptr;
}

/// Follows the CNAME records of `a` from `name`, stopping at a name that has
/// records of `type` or no CNAME; false when the chain gets too long.
bool follow_cnames(const DnsAnswer& a, std::string& name, DnsType type, unsigned& hops) {
  while (find_record(a, name, type) == nullptr) {
    const DnsRecord* cname = find_record(a, name, DnsType::kCname);
    if (cname == nullptr) return true;
    if (++hops > kMaxCnameHops) return false;
    name = cname->target;
  }
  return true;
}

Error cname_chain_error(std::string_view name) {
  return temp_error("DNS lookup of " + std::string(name) + " failed: CNAME chain too long");
}

IpAddress address_of(const DnsRecord& r) {
  if (r.type == DnsType::kA) return ipv4(r.address[0], r.address[1], r.address[2], r.address[3]);
  IpAddress ip;
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(r.address.data(), kMapped, sizeof kMapped) == 0)
    return ipv4(r.address[12], r.address[13], r.address[14], r.address[15]);
  ip.family = AF_INET6;
  ip.bytes = r.address;
  return ip;
}

/// The addresses of one family; `nxdomain` set when the name does not exist.
Result<std::vector<IpAddress>> lookup_family(Resolver& resolver, std::string_view host,
                                             DnsType type, bool& nxdomain) {
  std::string asked = lower_without_dot(host);
  unsigned hops = 0;
  for (;;) {
    auto got = resolver.query(asked, type);
    if (!got) return got.error();
    if (got->rcode == DnsRcode::kNxDomain) {
      nxdomain = true;
      return std::vector<IpAddress>{};
    }
    std::string name = asked;
    if (!follow_cnames(*got, name, type, hops)) return cname_chain_error(host);
    std::vector<IpAddress> out;
    for (const auto& r : got->records)
      if (r.type == type && parse::dns_name_equal(r.owner, name)) out.push_back(address_of(r));
    // The chain left this answer: ask for where it ended.  Each new question
    // costs at least one hop, so this ends.
    if (out.empty() && name != asked) {
      asked = name;
      continue;
    }
    return out;
  }
}
}  // namespace

std::optional<std::vector<Nameserver>> parse_nameservers(std::string_view text) {
  std::vector<Nameserver> out;
  for (auto word : words(text)) {
    auto ns = parse_nameserver(word);
    if (!ns) return std::nullopt;
    if (out.size() < kMaxNameservers) out.push_back(*ns);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

ResolverConfig parse_resolv_conf(std::string_view text) {
  ResolverConfig config;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    auto comment = line.find_first_of("#;");
    if (comment != std::string_view::npos) line = line.substr(0, comment);
    auto w = words(line);
    if (w.empty()) continue;
    if (w[0] == "nameserver" && w.size() >= 2) {
      if (w[1].find('%') != std::string_view::npos) continue;  // a zone id: link-local only
      auto ip = parse_ip(w[1]);
      if (ip && config.servers.size() < kMaxNameservers) config.servers.push_back({*ip, 53});
    } else if (w[0] == "options") {
      for (std::size_t i = 1; i < w.size(); ++i) {
        if (w[i].starts_with("timeout:"))
          config.timeout_seconds =
              clamp_option(w[i].substr(8), 1, kMaxTimeout, config.timeout_seconds);
        else if (w[i].starts_with("attempts:"))
          config.attempts = clamp_option(w[i].substr(9), 1, kMaxAttempts, config.attempts);
      }
    }
  }
  return config;
}

ResolverConfig system_resolver(const char* path) {
  std::string text;
  bool found = false;
  if (!sys::read_file(path, text, kMaxResolvConf, &found).ok() || !found) return {};
  return parse_resolv_conf(text);
}

Resolver::Resolver(ResolverConfig config) : config_(std::move(config)), next_id_(0) {
  if (config_.servers.empty()) config_.servers.push_back({ipv4(127, 0, 0, 1), 53});
  config_.timeout_seconds = std::clamp(config_.timeout_seconds, 1u, kMaxTimeout);
  config_.attempts = std::clamp(config_.attempts, 1u, kMaxAttempts);
}

Result<DnsAnswer> Resolver::query(std::string_view name, DnsType type) {
  std::string shown(name);
  auto query = parse::encode_dns_query(0, name, type);
  if (!query) return perm_error("DNS lookup of " + shown + " failed: not a valid domain name");
  std::uint32_t fallback = next_id_;
  std::optional<std::uint8_t> rcode;  // the last error code a server answered
  Exchange last = timed_out();
  bool any_net_error = false, any_bad = false;
  for (unsigned round = 0; round < config_.attempts; ++round) {
    for (const auto& ns : config_.servers) {
      auto id = static_cast<std::uint16_t>(random_u32(fallback));
      (*query)[0] = static_cast<char>(id >> 8);
      (*query)[1] = static_cast<char>(id & 0xff);
      Exchange ex = ask_udp(ns, *query, id, name, type, config_.timeout_seconds);
      if (ex.outcome == Exchange::Outcome::kAnswer && ex.answer->truncated)
        ex = ask_tcp(ns, *query, id, name, type, config_.timeout_seconds);
      if (ex.outcome == Exchange::Outcome::kAnswer) {
        DnsRcode code = ex.answer->rcode;
        if (code == DnsRcode::kNoError || code == DnsRcode::kNxDomain) {
          next_id_ = static_cast<std::uint16_t>(fallback);
          return std::move(*ex.answer);
        }
        rcode = ex.answer->rcode_value;
        continue;
      }
      if (ex.outcome == Exchange::Outcome::kNetError) {
        any_net_error = true;
        last = ex;
      }
      if (ex.outcome == Exchange::Outcome::kBadAnswer) any_bad = true;
    }
  }
  next_id_ = static_cast<std::uint16_t>(fallback);
  // Say what went wrong, the most telling first.  All of it is temporary:
  // the domain may exist, we could not find out.
  std::string what = "DNS lookup of " + shown;
  if (rcode) {
    if (*rcode == static_cast<std::uint8_t>(DnsRcode::kServFail))
      return temp_error(what + " failed: server failure");
    if (*rcode == static_cast<std::uint8_t>(DnsRcode::kRefused))
      return temp_error(what + " failed: query refused");
    return temp_error(what + " failed: server error " + fmt_u64(*rcode));
  }
  if (any_bad) return temp_error(what + " failed: malformed answer");
  if (any_net_error) return Error{ErrorKind::kTemporary, last.errnum, what + " failed"};
  return Error{ErrorKind::kTemporary, ETIMEDOUT, what + " timed out"};
}

Result<MxLookup> lookup_mx(Resolver& resolver, std::string_view domain) {
  std::string asked = lower_without_dot(domain);
  unsigned hops = 0;
  for (;;) {
    auto got = resolver.query(asked, DnsType::kMx);
    if (!got) return got.error();
    // RFC 1035 4.1.1: the name does not exist.  qmail bounces at once.
    if (got->rcode == DnsRcode::kNxDomain)
      return perm_error("no host named " + std::string(domain));
    std::string name = asked;
    if (!follow_cnames(*got, name, DnsType::kMx, hops)) return cname_chain_error(domain);

    MxLookup out;
    out.canonical = name;
    bool root_target = false;
    for (const auto& r : got->records) {
      if (r.type != DnsType::kMx || !parse::dns_name_equal(r.owner, name)) continue;
      if (r.target.empty())
        root_target = true;  // RFC 7505: "." means no mail; among others, ignore it
      else
        out.hosts.push_back({r.target, r.preference});
    }
    if (out.hosts.empty() && root_target) {
      // A null MX (RFC 7505 3).  A lone "." of another preference, or several,
      // mean the same: there is no host to send to.
      out.kind = MxLookup::Kind::kNullMx;
      return out;
    }
    if (out.hosts.empty()) {
      if (name != asked) {  // the chain left this answer: ask where it ended
        asked = name;
        continue;
      }
      // RFC 5321 5.1: no MX records, so the domain itself is the mail host.
      out.kind = MxLookup::Kind::kImplicit;
      out.hosts.push_back({name, 0});
      return out;
    }
    out.kind = MxLookup::Kind::kMx;
    std::stable_sort(out.hosts.begin(), out.hosts.end(),
                     [](const MxHost& a, const MxHost& b) { return a.preference < b.preference; });
    // RFC 5321 5.1: hosts of equal preference are tried in random order, so
    // that the load spreads among them.
    std::uint32_t fallback = 0;
    std::minstd_rand rng(random_u32(fallback));
    for (auto run = out.hosts.begin(); run != out.hosts.end();) {
      auto end = std::find_if(run, out.hosts.end(),
                              [&](const MxHost& h) { return h.preference != run->preference; });
      std::shuffle(run, end, rng);
      run = end;
    }
    return out;
  }
}

Result<std::vector<IpAddress>> lookup_addresses(Resolver& resolver, std::string_view host,
                                                bool want_v6, bool want_v4) {
  std::vector<IpAddress> out;
  std::optional<Error> failed;
  bool found_any = false;
  const std::pair<bool, DnsType> families[] = {{want_v6, DnsType::kAaaa}, {want_v4, DnsType::kA}};
  for (const auto& [wanted, type] : families) {
    if (!wanted) continue;
    bool nxdomain = false;
    auto got = lookup_family(resolver, host, type, nxdomain);
    if (!got) {
      if (!failed) failed = got.error();
      continue;
    }
    if (nxdomain) return perm_error("no host named " + std::string(host));
    for (const auto& ip : *got) {
      found_any = true;
      if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
    }
  }
  // One family failing while the other gave addresses is enough to deliver;
  // an empty answer next to a failure proves nothing, so it stays temporary.
  if (failed && !found_any) return *failed;
  return out;
}

}  // namespace qmail::net
