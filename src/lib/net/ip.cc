#include "net/ip.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "base/str.h"

namespace qmail::net {

namespace {
constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/// An IPv6 address from 16 bytes, turned into IPv4 when it is IPv4-mapped.
IpAddress from_v6_bytes(const unsigned char* b) {
  IpAddress ip;
  if (std::memcmp(b, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    ip.family = AF_INET;
    std::memcpy(ip.bytes.data(), b + 12, 4);
  } else {
    ip.family = AF_INET6;
    std::memcpy(ip.bytes.data(), b, 16);
  }
  return ip;
}

/// inet_pton over a bounded copy, so the text need not be NUL-terminated and
/// an embedded NUL cannot cut it short.
bool pton(int family, std::string_view text, unsigned char* out) {
  if (text.empty() || text.size() > kMaxIpText) return false;
  if (text.find('\0') != std::string_view::npos) return false;
  char buf[kMaxIpText + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return ::inet_pton(family, buf, out) == 1;
}

void append_hex(std::string& out, unsigned v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    unsigned d = (v >> shift) & 0xf;
    if (d != 0 || started || shift == 0) {
      out.push_back(kDigits[d]);
      started = true;
    }
  }
}

std::string format_v6(const std::array<unsigned char, 16>& b) {
  unsigned words[8];
  for (int i = 0; i < 8; ++i) words[i] = (unsigned{b[2 * i]} << 8) | b[2 * i + 1];
  // RFC 5952 4.2: the longest run of zero fields (the first of equal runs),
  // and only when it spans at least two fields.
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best = -1;
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    append_hex(out, words[i]);
  }
  return out;
}
}  // namespace

bool IpAddress::is_v4() const { return family == AF_INET; }
bool IpAddress::is_v6() const { return family == AF_INET6; }

IpAddress ipv4(unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
  IpAddress ip;
  ip.family = AF_INET;
  ip.bytes[0] = a;
  ip.bytes[1] = b;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  return ip;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  unsigned char b[16];
  if (pton(AF_INET, text, b)) {
    IpAddress ip;
    ip.family = AF_INET;
    std::memcpy(ip.bytes.data(), b, 4);
    return ip;
  }
  if (pton(AF_INET6, text, b)) return from_v6_bytes(b);
  return std::nullopt;
}

std::string format_ip(const IpAddress& ip) {
  if (ip.family == AF_INET6) return format_v6(ip.bytes);
  if (ip.family != AF_INET) return {};
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out.push_back('.');
    out += fmt_u64(ip.bytes[i]);
  }
  return out;
}

std::optional<IpAddress> parse_address_literal(std::string_view text) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return std::nullopt;
  std::string_view inner = text.substr(1, text.size() - 2);
  unsigned char b[16];
  // RFC 5321 4.1.3: IPv6 literals carry the tag "IPv6:"; tags are case-insensitive.
  if (ascii_istarts_with(inner, "IPv6:")) {
    if (!pton(AF_INET6, inner.substr(5), b)) return std::nullopt;
    return from_v6_bytes(b);
  }
  if (!pton(AF_INET, inner, b)) return std::nullopt;
  IpAddress ip;
  ip.family = AF_INET;
  std::memcpy(ip.bytes.data(), b, 4);
  return ip;
}

std::string format_address_literal(const IpAddress& ip) {
  if (ip.family == AF_INET6) return "[IPv6:" + format_ip(ip) + "]";
  return "[" + format_ip(ip) + "]";
}

std::optional<IpAddress> from_sockaddr(const sockaddr* sa, socklen_t len, std::uint16_t* port) {
  if (sa == nullptr || len < static_cast<socklen_t>(sizeof(sa_family_t))) return std::nullopt;
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in sin;
    std::memcpy(&sin, sa, sizeof sin);
    IpAddress ip;
    ip.family = AF_INET;
    std::memcpy(ip.bytes.data(), &sin.sin_addr, 4);
    if (port) *port = ntohs(sin.sin_port);
    return ip;
  }
  if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, sa, sizeof sin6);
    if (port) *port = ntohs(sin6.sin6_port);
    return from_v6_bytes(reinterpret_cast<const unsigned char*>(&sin6.sin6_addr));
  }
  return std::nullopt;
}

socklen_t to_sockaddr(const IpAddress& ip, std::uint16_t port, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (ip.family == AF_INET) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    std::memcpy(&sin.sin_addr, ip.bytes.data(), 4);
    std::memcpy(&out, &sin, sizeof sin);
    return sizeof sin;
  }
  if (ip.family == AF_INET6) {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    std::memcpy(&sin6.sin6_addr, ip.bytes.data(), 16);
    std::memcpy(&out, &sin6, sizeof sin6);
    return sizeof sin6;
  }
  return 0;
}

}  // namespace qmail::net
