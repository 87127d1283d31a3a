// ip.h: IPv4 and IPv6 addresses as values: parsing and printing their text
// forms, SMTP address literals (RFC 5321 4.1.3) and socket addresses.  Called
// by tcp-env (the tcp-environ variables), qmail-smtpd (HELO literals, the
// local-address check) and the remote side.  The text may come from a peer:
// every parser here is a pure function that rejects anything unexpected.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qmail::net {

/// Longest address text we parse: a full IPv6 address with an embedded IPv4
/// tail is 45 characters (INET6_ADDRSTRLEN - 1).
inline constexpr std::size_t kMaxIpText = 45;

/// One address.  IPv4 uses bytes[0..3] and leaves the rest zero; an
/// IPv4-mapped IPv6 address (::ffff:a.b.c.d) is always stored as IPv4, so the
/// two spellings of one IPv4 peer compare equal.
struct IpAddress {
  int family = 0;  // AF_INET or AF_INET6; 0 for "no address"
  std::array<unsigned char, 16> bytes{};

  bool operator==(const IpAddress&) const = default;
  [[nodiscard]] bool is_v4() const;
  [[nodiscard]] bool is_v6() const;
};

/// The IPv4 address a.b.c.d.
IpAddress ipv4(unsigned char a, unsigned char b, unsigned char c, unsigned char d);

/// A dotted-quad IPv4 or an IPv6 address in any RFC 4291 form; nullopt for
/// anything else (zone ids, prefixes, blanks, leading zeros in IPv4).
std::optional<IpAddress> parse_ip(std::string_view text);

/// The address as text: dotted decimal, or IPv6 in the RFC 5952 form (lower
/// case, no leading zeros, the longest run of two or more zero fields as "::").
std::string format_ip(const IpAddress& ip);

/// An SMTP address literal: "[1.2.3.4]" or "[IPv6:2001:db8::1]" (the tag in
/// any case).  nullopt for anything else, including "[::1]" without the tag.
std::optional<IpAddress> parse_address_literal(std::string_view text);

/// "[1.2.3.4]" or "[IPv6:2001:db8::1]".
std::string format_address_literal(const IpAddress& ip);

/// The address (and, when `port` is not null, the port in host order) of a
/// sockaddr_in or sockaddr_in6 of at least `len` bytes; nullopt for any other
/// family or a short length.
std::optional<IpAddress> from_sockaddr(const sockaddr* sa, socklen_t len,
                                       std::uint16_t* port = nullptr);

/// Fills `out` with `ip` and `port` (host order); returns the length to pass
/// to bind(2) or connect(2), or 0 when `ip` has no family.  An IPv4 address
/// gives a sockaddr_in.
socklen_t to_sockaddr(const IpAddress& ip, std::uint16_t port, sockaddr_storage& out);

}  // namespace qmail::net
