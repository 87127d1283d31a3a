// sasl.h: the client side of SMTP AUTH as qmail-smtpd sees it (RFC 4954):
// base64 (RFC 4648) and the responses of the PLAIN (RFC 4616), LOGIN
// (draft-murchison-sasl-login) and CRAM-MD5 (RFC 2195) mechanisms.  Every
// byte comes from the network before authentication: pure functions with
// limits, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace qmail::parse {

/// RFC 4954 section 4: servers take AUTH lines up to 12288 octets; decoded
/// credentials are shorter still.  Longer input is refused, not truncated.
inline constexpr std::size_t kMaxSaslEncoded = 12288;
/// The longest user name or password passed on to checkpassword.
inline constexpr std::size_t kMaxSaslField = 1024;

/// Standard base64 with padding; whitespace and any other character outside
/// the alphabet is an error, as is input over kMaxSaslEncoded.
Result<std::string> base64_decode(std::string_view in);
std::string base64_encode(std::string_view in);

enum class SaslMechanism { kPlain, kLogin, kCramMd5, kUnknown };
/// The mechanism named in "AUTH <name> ...", without regard to case.
SaslMechanism parse_sasl_mechanism(std::string_view name);

struct SaslCredentials {
  std::string user;
  std::string secret;  // the password, or for CRAM-MD5 the hex digest
};

/// A decoded PLAIN response: authzid NUL authcid NUL password.  The authzid
/// must be empty or equal to the authcid (no proxy authorisation); fields
/// must be non-empty, free of NUL and at most kMaxSaslField.
Result<SaslCredentials> parse_sasl_plain(std::string_view decoded);

/// A decoded CRAM-MD5 response: "user SP digest", the digest 32 lower- or
/// upper-case hex digits (returned lower-case).
Result<SaslCredentials> parse_sasl_cram_md5(std::string_view decoded);

/// A decoded LOGIN field (user name or password): non-empty, no NUL, bounded.
Result<std::string> parse_sasl_login_field(std::string_view decoded);

}  // namespace qmail::parse
