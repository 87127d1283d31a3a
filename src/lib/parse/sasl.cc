// sasl.cc: base64 and the SASL responses of PLAIN, LOGIN and CRAM-MD5 as a
// client sends them to qmail-smtpd.  Every error is permanent: the bytes
// came from the peer and will not get better on a retry.
#include "parse/sasl.h"

#include <array>
#include <cstdint>

#include "base/str.h"

namespace qmail::parse {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for the RFC 4648 section 4 alphabet, -1 for everything else ('='
// included: padding is handled apart).
constexpr std::array<signed char, 256> make_decode_table() {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();

// The CRAM-MD5 digest: HMAC-MD5 in hex (RFC 2195 section 2), 16 octets.
constexpr std::size_t kCramDigestHex = 32;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A user name or password as checkpassword will see it: a NUL would split
// the record on descriptor 3, an empty field means nothing was sent.
Status check_field(std::string_view f, const char* what) {
  if (f.empty()) return perm_error(std::string("empty ") + what);
  if (f.size() > kMaxSaslField) return perm_error(std::string(what) + " too long");
  if (f.find('\0') != std::string_view::npos) return perm_error(std::string("NUL in ") + what);
  return {};
}

}  // namespace

Result<std::string> base64_decode(std::string_view in) {
  if (in.size() > kMaxSaslEncoded) return perm_error("base64 input too long");
  // RFC 4648 section 3.2: padding is required, so the length is a multiple of 4.
  if (in.size() % 4 != 0) return perm_error("base64 length not a multiple of 4");
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    // Only the last quantum may end in one or two '='.
    std::size_t pad = 0;
    if (last && in[i + 3] == '=') pad = in[i + 2] == '=' ? 2 : 1;
    std::uint32_t bits = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      int v = 0;
      if (j < 4 - pad) {
        v = kDecode[static_cast<unsigned char>(in[i + j])];
        if (v < 0) return perm_error("invalid character in base64");
      }
      bits = (bits << 6) | static_cast<std::uint32_t>(v);
    }
    out.push_back(static_cast<char>((bits >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t b = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                      static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8 |
                      static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[(b >> 18) & 63]);
    out.push_back(kAlphabet[(b >> 12) & 63]);
    out.push_back(kAlphabet[(b >> 6) & 63]);
    out.push_back(kAlphabet[b & 63]);
  }
  std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t b = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) b |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out.push_back(kAlphabet[(b >> 18) & 63]);
    out.push_back(kAlphabet[(b >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(b >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

SaslMechanism parse_sasl_mechanism(std::string_view name) {
  if (ascii_iequal(name, "PLAIN")) return SaslMechanism::kPlain;
  if (ascii_iequal(name, "LOGIN")) return SaslMechanism::kLogin;
  if (ascii_iequal(name, "CRAM-MD5")) return SaslMechanism::kCramMd5;
  return SaslMechanism::kUnknown;
}

Result<SaslCredentials> parse_sasl_plain(std::string_view decoded) {
  // RFC 4616 section 2: [authzid] NUL authcid NUL passwd, nothing after.
  auto nul1 = decoded.find('\0');
  if (nul1 == std::string_view::npos) return perm_error("PLAIN response without NUL");
  auto nul2 = decoded.find('\0', nul1 + 1);
  if (nul2 == std::string_view::npos) return perm_error("PLAIN response without password");
  std::string_view authzid = decoded.substr(0, nul1);
  std::string_view authcid = decoded.substr(nul1 + 1, nul2 - nul1 - 1);
  std::string_view passwd = decoded.substr(nul2 + 1);
  if (authzid.size() > kMaxSaslField) return perm_error("authorization identity too long");
  if (auto s = check_field(authcid, "user name"); !s) return s.error();
  if (auto s = check_field(passwd, "password"); !s) return s.error();
  // Acting for another user would need a policy qmail has no place for.
  if (!authzid.empty() && authzid != authcid)
    return perm_error("authorization identity differs from user name");
  return SaslCredentials{std::string(authcid), std::string(passwd)};
}

Result<SaslCredentials> parse_sasl_cram_md5(std::string_view decoded) {
  // RFC 2195 section 2: the user name, a space, the digest.  The name may
  // itself hold spaces; the digest never does, so split at the last one.
  auto sp = decoded.rfind(' ');
  if (sp == std::string_view::npos) return perm_error("CRAM-MD5 response without space");
  std::string_view user = decoded.substr(0, sp);
  std::string_view digest = decoded.substr(sp + 1);
  if (auto s = check_field(user, "user name"); !s) return s.error();
  if (digest.size() != kCramDigestHex) return perm_error("CRAM-MD5 digest has wrong length");
  for (char c : digest)
    if (!is_hex(c)) return perm_error("CRAM-MD5 digest is not hex");
  return SaslCredentials{std::string(user), ascii_lower(digest)};
}

Result<std::string> parse_sasl_login_field(std::string_view decoded) {
  if (auto s = check_field(decoded, "LOGIN field"); !s) return s.error();
  return std::string(decoded);
}

}  // namespace qmail::parse
