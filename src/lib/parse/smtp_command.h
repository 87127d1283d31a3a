// smtp_command.h: parsing what an SMTP client sends outside DATA (RFC 5321
// section 4.1): the command verb, and the paths and ESMTP parameters of MAIL
// and RCPT.  Called by qmail-smtpd for every line; the bytes come straight
// from the network and are not trusted at all.  Pure functions: no I/O, no
// allocation beyond the returned strings, every length checked first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace qmail::parse {

/// RFC 5321 4.5.3.1.4 allows 512 octets, extensions raise it; RFC 4954
/// section 4 asks servers to take AUTH lines of 12288 octets.  Includes CRLF.
inline constexpr std::size_t kMaxSmtpCommandLine = 12288;
/// RFC 5321 4.5.3.1.3: a path holds at most 256 octets (with the brackets).
inline constexpr std::size_t kMaxSmtpPath = 256;
/// RFC 5321 4.5.3.1.1 sets 64 octets for a local part, but bounce addresses
/// (VERP, SRS, BATV) exceed it in real mail and qmail and Postfix take them:
/// the path limit bounds them instead.  4.5.3.1.2 for the domain.
inline constexpr std::size_t kMaxSmtpLocalPart = kMaxSmtpPath - 2;
inline constexpr std::size_t kMaxSmtpDomain = 255;

enum class SmtpVerb {
  kHelo,
  kEhlo,
  kMail,
  kRcpt,
  kData,
  kRset,
  kNoop,
  kQuit,
  kVrfy,
  kHelp,
  kStartTls,
  kAuth,
  kUnknown,  // anything else, including BDAT, EXPN, TURN and binary junk
};

struct SmtpCommand {
  SmtpVerb verb = SmtpVerb::kUnknown;
  /// What follows the verb and the one space after it, trailing blanks
  /// removed (for MAIL and RCPT: everything after that space, untouched, e.g.
  /// "FROM:<a@b>").  Empty for kUnknown.
  std::string_view arg;
};

/// Splits one command line (CR LF already removed).  The verb is matched
/// without regard to case; a verb followed by something other than a space
/// or the end is kUnknown.  Never fails.
SmtpCommand parse_smtp_command(std::string_view line);

/// The ESMTP parameters of MAIL FROM that qmail-smtpd understands
/// (RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8, RFC 4954 AUTH).
struct MailParams {
  std::optional<std::uint64_t> size;  // SIZE=n
  bool body_8bit = false;             // BODY=8BITMIME
  bool smtputf8 = false;              // SMTPUTF8
  bool auth_seen = false;             // AUTH=<...> (accepted and ignored)
};

/// A parsed reverse-path or forward-path.
struct SmtpPath {
  /// The mailbox without angle brackets, the quotes of a quoted local part
  /// removed and its backslash escapes resolved (qmail's unquoting: "a b"@c
  /// becomes a b@c), any source route (@a,@b:) dropped, the domain as sent.
  /// "postmaster" (RCPT only) keeps the case it was sent in.  Empty for the
  /// null reverse-path <>.
  std::string address;
  /// True when the address holds bytes above 127 (SMTPUTF8 needed).
  bool utf8 = false;
  MailParams params;  // MAIL only; always default for RCPT
};

/// Why a path was refused: each maps to one reply in qmail-smtpd.
enum class PathError {
  kSyntax,        // 501 5.5.4 / 553 5.1.3: not a path at all
  kTooLong,       // 501 5.5.4: over kMaxSmtpPath, local part or domain limits
  kBadUtf8,       // 553 5.6.7: non-ASCII without SMTPUTF8, or invalid UTF-8
  kBadParameter,  // 555 5.5.4: unknown or malformed ESMTP parameter
  kBadDomain,     // 553 5.1.2: a domain that is not a hostname or address literal
};

/// Parses the argument of MAIL ("FROM:<a@b> SIZE=10").  Like qmail and
/// Postfix it also takes a path without brackets ("FROM: a@b") and blanks
/// after the colon; like qmail, a bracketed path without "FROM:" ("<a@b>").  `allow_utf8` is true
/// when the server offers SMTPUTF8; UTF-8 in the path is then accepted only together with the
/// SMTPUTF8 parameter.
Result<SmtpPath> parse_mail_from(std::string_view arg, bool allow_utf8, PathError* why = nullptr);

/// Parses the argument of RCPT ("TO:<a@b>").  `utf8_session` is true when MAIL
/// carried SMTPUTF8.  The null path is refused; "<postmaster>" is accepted.
/// RCPT parameters are refused (qmail-smtpd advertises none for RCPT).
Result<SmtpPath> parse_rcpt_to(std::string_view arg, bool utf8_session, PathError* why = nullptr);

/// True when `domain` is a syntactically valid domain for a path: dot-separated
/// labels of letters, digits and hyphens (or UTF-8 when `allow_utf8`), no empty
/// label, no trailing dot; or an address literal [d.d.d.d] / [IPv6:...].
bool valid_smtp_domain(std::string_view domain, bool allow_utf8);

/// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s);

}  // namespace qmail::parse
