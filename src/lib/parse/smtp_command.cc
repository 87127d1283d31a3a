// smtp_command.cc: the verb, path and parameter parsers of smtp_command.h.
// Every function here walks its input once, by index, and never reads past
// the end; the only memory spent is the returned address.
#include "parse/smtp_command.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

#include "base/str.h"

namespace qmail::parse {
namespace {

struct VerbName {
  std::string_view name;
  SmtpVerb verb;
};

constexpr std::array<VerbName, 12> kVerbs = {{
    {"HELO", SmtpVerb::kHelo},
    {"EHLO", SmtpVerb::kEhlo},
    {"MAIL", SmtpVerb::kMail},
    {"RCPT", SmtpVerb::kRcpt},
    {"DATA", SmtpVerb::kData},
    {"RSET", SmtpVerb::kRset},
    {"NOOP", SmtpVerb::kNoop},
    {"QUIT", SmtpVerb::kQuit},
    {"VRFY", SmtpVerb::kVrfy},
    {"HELP", SmtpVerb::kHelp},
    {"STARTTLS", SmtpVerb::kStartTls},
    {"AUTH", SmtpVerb::kAuth},
}};

bool is_blank(char c) { return c == ' ' || c == '\t'; }
unsigned char byte(char c) { return static_cast<unsigned char>(c); }
bool is_high(char c) { return byte(c) >= 128; }
bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 3.2.3 atext, extended by RFC 6531 3.3 with UTF-8 (checked later).
bool is_atext(char c) {
  if (is_alnum(c) || is_high(c)) return true;
  return c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

// RFC 5321 4.1.2 qtextSMTP (%d32-33 / %d35-91 / %d93-126), and UTF-8.
bool is_qtext(char c) {
  unsigned char b = byte(c);
  return (b >= 32 && b <= 126 && c != '"' && c != '\\') || b >= 128;
}

Result<SmtpPath> refuse(PathError e, PathError* why) {
  if (why) *why = e;
  switch (e) {
    case PathError::kSyntax:
      return perm_error("syntax error in path");
    case PathError::kTooLong:
      return perm_error("path too long");
    case PathError::kBadUtf8:
      return perm_error("non-ASCII path without SMTPUTF8, or invalid UTF-8");
    case PathError::kBadParameter:
      return perm_error("unrecognized or malformed parameter");
    case PathError::kBadDomain:
      return perm_error("invalid domain in path");
  }
  return perm_error("invalid path");
}

// What scan_path found.  Views point into the caller's argument.
struct ScannedPath {
  std::string address;   // unquoted mailbox; empty for <>
  std::string_view raw;  // the path as sent, brackets included when present
  std::string_view domain;
  bool bracketed = false;
  bool null_path = false;
  bool postmaster = false;
};

// Skips an RFC 5321 4.1.2 A-d-l ("@a,@b:") after the '<'.  The route is
// ignored (RFC 5321 4.1.1.3 and appendix C), but must still look like one.
bool skip_source_route(std::string_view s, std::size_t& pos) {
  for (;;) {
    if (pos >= s.size() || s[pos] != '@') return false;
    std::size_t start = ++pos;
    while (pos < s.size() && s[pos] != ',' && s[pos] != ':' && s[pos] != '>') ++pos;
    if (!valid_smtp_domain(s.substr(start, pos - start), true)) return false;
    if (pos >= s.size() || s[pos] == '>') return false;
    if (s[pos++] == ':') return true;
  }
}

// Reads a local part (dot-string or quoted-string) at `pos` into `out`,
// unquoted.  Returns false on a syntax error.
bool scan_local_part(std::string_view s, std::size_t& pos, std::string& out) {
  if (pos < s.size() && s[pos] == '"') {
    ++pos;
    while (pos < s.size() && s[pos] != '"') {
      char c = s[pos++];
      if (c == '\\') {
        // RFC 5321 quoted-pairSMTP: a backslash and one of %d32-126.
        if (pos >= s.size() || byte(s[pos]) < 32 || byte(s[pos]) > 126) return false;
        out.push_back(s[pos++]);
      } else if (is_qtext(c)) {
        out.push_back(c);
      } else {
        return false;
      }
    }
    if (pos >= s.size()) return false;  // no closing quote
    ++pos;
    return !out.empty();
  }
  // Dot-string = Atom *("." Atom): no leading, trailing or doubled dot.
  bool atom_empty = true;
  while (pos < s.size()) {
    char c = s[pos];
    if (c == '.') {
      if (atom_empty) return false;
      atom_empty = true;
    } else if (is_atext(c)) {
      atom_empty = false;
    } else {
      break;
    }
    out.push_back(c);
    ++pos;
  }
  return !atom_empty;
}

// Reads one path at `pos`: "<...>" or a bare mailbox.  On success `pos`
// stands just after it.  Lengths are checked here, UTF-8 and the domain's
// grammar by the caller, which knows whether SMTPUTF8 is on.
std::optional<PathError> scan_path(std::string_view s, std::size_t& pos, bool rcpt,
                                   ScannedPath& out) {
  std::size_t start = pos;
  out.bracketed = pos < s.size() && s[pos] == '<';
  if (out.bracketed) {
    ++pos;
    if (pos < s.size() && s[pos] == '>') {
      ++pos;
      out.null_path = true;
      out.raw = s.substr(start, pos - start);
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == '@' && !skip_source_route(s, pos)) return PathError::kSyntax;
  }
  std::size_t local_start = pos;
  if (!scan_local_part(s, pos, out.address)) return PathError::kSyntax;
  std::size_t local_len = pos - local_start;
  if (pos < s.size() && s[pos] == '@') {
    std::size_t domain_start = ++pos;
    while (pos < s.size() && (out.bracketed ? s[pos] != '>' : !is_blank(s[pos]))) ++pos;
    out.domain = s.substr(domain_start, pos - domain_start);
    if (out.domain.empty()) return PathError::kSyntax;
    out.address.push_back('@');
    out.address.append(out.domain);
  } else if (rcpt && ascii_iequal(out.address, "postmaster")) {
    out.postmaster = true;  // RFC 5321 4.1.1.3: "<Postmaster>" needs no domain
  } else {
    return PathError::kSyntax;
  }
  if (out.bracketed) {
    if (pos >= s.size() || s[pos] != '>') return PathError::kSyntax;
    ++pos;
  }
  out.raw = s.substr(start, pos - start);
  std::size_t path_len = out.raw.size() + (out.bracketed ? 0 : 2);
  if (path_len > kMaxSmtpPath || local_len > kMaxSmtpLocalPart ||
      out.domain.size() > kMaxSmtpDomain)
    return PathError::kTooLong;
  return std::nullopt;
}

// RFC 3461 4 xtext: printable ASCII but '+' and '=', with "+XX" for others.
bool valid_xtext(std::string_view v) {
  if (v.empty()) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    unsigned char b = byte(v[i]);
    if (v[i] == '+') {
      if (v.size() - i < 3) return false;
      for (std::size_t k = 1; k <= 2; ++k) {
        char h = v[i + k];
        if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'))) return false;
      }
      i += 2;
    } else if (b < 33 || b > 126 || v[i] == '=') {
      return false;
    }
  }
  return true;
}

// Parses the ESMTP parameters after MAIL's path (RFC 5321 4.1.2
// Mail-parameters): keyword[=value], separated by blanks.
std::optional<PathError> scan_mail_params(std::string_view s, bool allow_utf8, MailParams& p) {
  bool seen_size = false, seen_body = false, seen_utf8 = false;
  std::size_t pos = 0;
  for (;;) {
    while (pos < s.size() && is_blank(s[pos])) ++pos;
    if (pos >= s.size()) return std::nullopt;
    std::size_t start = pos;
    while (pos < s.size() && !is_blank(s[pos])) ++pos;
    std::string_view token = s.substr(start, pos - start);
    std::size_t eq = token.find('=');
    std::string_view key = token.substr(0, eq);
    bool has_value = eq != std::string_view::npos;
    std::string_view value = has_value ? token.substr(eq + 1) : std::string_view();
    if (ascii_iequal(key, "SIZE")) {
      // RFC 1870: size-value is 1*20DIGIT; scan_u64 refuses overflow.
      if (seen_size || value.size() > 20) return PathError::kBadParameter;
      auto n = scan_u64(value);
      if (!n) return PathError::kBadParameter;
      p.size = *n;
      seen_size = true;
    } else if (ascii_iequal(key, "BODY")) {
      // RFC 6152: 7BIT or 8BITMIME (BINARYMIME needs CHUNKING, not offered).
      if (seen_body) return PathError::kBadParameter;
      if (ascii_iequal(value, "8BITMIME"))
        p.body_8bit = true;
      else if (!ascii_iequal(value, "7BIT"))
        return PathError::kBadParameter;
      seen_body = true;
    } else if (ascii_iequal(key, "SMTPUTF8")) {
      // RFC 6531 3.4: no value, and only when the server offered it.
      if (seen_utf8 || has_value || !allow_utf8) return PathError::kBadParameter;
      p.smtputf8 = true;
      seen_utf8 = true;
    } else if (ascii_iequal(key, "AUTH")) {
      // RFC 4954 5: accepted and ignored, but must be xtext.
      if (p.auth_seen || !valid_xtext(value)) return PathError::kBadParameter;
      p.auth_seen = true;
    } else {
      return PathError::kBadParameter;
    }
  }
}

// Common part of MAIL and RCPT: the "FROM:"/"TO:" prefix, the path, what
// follows it.  `utf8_ok` says whether non-ASCII may appear in the path; for
// MAIL it depends on the parameters, so it is decided after them.
Result<SmtpPath> parse_path_arg(std::string_view arg, std::string_view prefix, bool rcpt,
                                bool allow_utf8, bool utf8_session, PathError* why) {
  for (char c : arg)
    if ((byte(c) < 32 && c != '\t') || byte(c) == 127) return refuse(PathError::kSyntax, why);
  std::size_t pos = 0;
  if (ascii_istarts_with(arg, prefix)) {
    pos = prefix.size();
  } else {
    // qmail took "mail <a@b>" and "rcpt <a@b>" without FROM:/TO: (its own
    // TEST.receive does so): a bracketed path right after the verb is taken
    while (pos < arg.size() && is_blank(arg[pos])) ++pos;
    if (pos == arg.size() || arg[pos] != '<') return refuse(PathError::kSyntax, why);
  }
  while (pos < arg.size() && is_blank(arg[pos])) ++pos;
  ScannedPath path;
  if (auto e = scan_path(arg, pos, rcpt, path)) return refuse(*e, why);
  if (path.null_path && rcpt) return refuse(PathError::kSyntax, why);
  if (pos < arg.size() && !is_blank(arg[pos])) return refuse(PathError::kSyntax, why);

  SmtpPath result;
  std::string_view rest = arg.substr(pos);
  if (rcpt) {
    for (char c : rest)
      if (!is_blank(c)) return refuse(PathError::kBadParameter, why);
  } else if (auto e = scan_mail_params(rest, allow_utf8, result.params)) {
    return refuse(*e, why);
  }

  bool utf8_ok = rcpt ? utf8_session : allow_utf8 && result.params.smtputf8;
  for (char c : path.raw) {
    if (is_high(c)) {
      if (!utf8_ok || !valid_utf8(path.raw)) return refuse(PathError::kBadUtf8, why);
      result.utf8 = true;
      break;
    }
  }
  if (!path.null_path && !path.postmaster && !valid_smtp_domain(path.domain, utf8_ok))
    return refuse(PathError::kBadDomain, why);
  result.address = std::move(path.address);
  return result;
}

bool valid_address_literal(std::string_view lit) {
  // RFC 5321 4.1.3: "[" IPv4 "]" or "[IPv6:" IPv6 "]"; other tags are refused.
  if (lit.size() < 3 || lit.front() != '[' || lit.back() != ']') return false;
  std::string_view inner = lit.substr(1, lit.size() - 2);
  int family = AF_INET;
  if (ascii_istarts_with(inner, "IPv6:")) {
    inner.remove_prefix(5);
    family = AF_INET6;
  }
  char text[INET6_ADDRSTRLEN + 1];
  if (inner.empty() || inner.size() >= sizeof text) return false;
  std::memcpy(text, inner.data(), inner.size());
  text[inner.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(family, text, addr) == 1;
}

}  // namespace

SmtpCommand parse_smtp_command(std::string_view line) {
  std::size_t space = line.find(' ');
  std::string_view word = line.substr(0, space);
  SmtpCommand cmd;
  for (const auto& v : kVerbs) {
    if (ascii_iequal(word, v.name)) {
      cmd.verb = v.verb;
      break;
    }
  }
  if (cmd.verb == SmtpVerb::kUnknown || space == std::string_view::npos) return cmd;
  std::string_view arg = line.substr(space + 1);
  if (cmd.verb != SmtpVerb::kMail && cmd.verb != SmtpVerb::kRcpt) {
    while (!arg.empty() && is_blank(arg.back())) arg.remove_suffix(1);
  }
  cmd.arg = arg;
  return cmd;
}

Result<SmtpPath> parse_mail_from(std::string_view arg, bool allow_utf8, PathError* why) {
  return parse_path_arg(arg, "FROM:", false, allow_utf8, false, why);
}

Result<SmtpPath> parse_rcpt_to(std::string_view arg, bool utf8_session, PathError* why) {
  return parse_path_arg(arg, "TO:", true, false, utf8_session, why);
}

bool valid_smtp_domain(std::string_view domain, bool allow_utf8) {
  if (domain.empty() || domain.size() > kMaxSmtpDomain) return false;
  if (domain.front() == '[') return valid_address_literal(domain);
  bool non_ascii = false;
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      // RFC 5321 4.1.2 sub-domain: Let-dig [Ldh-str], at most 63 octets
      // (RFC 1035 2.3.4); so no empty label and no hyphen at either end.
      std::size_t len = i - label_start;
      if (len == 0 || len > 63) return false;
      if (domain[label_start] == '-' || domain[i - 1] == '-') return false;
      label_start = i + 1;
      continue;
    }
    char c = domain[i];
    if (is_high(c) && allow_utf8)
      non_ascii = true;
    else if (!is_alnum(c) && c != '-')
      return false;
  }
  return !non_ascii || valid_utf8(domain);
}

bool valid_utf8(std::string_view s) {
  // RFC 3629 4: the shortest form only, no surrogates, nothing above U+10FFFF.
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char b = byte(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t more;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      more = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      more = 2;
      if (b == 0xE0) lo = 0xA0;  // overlong
      if (b == 0xED) hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      more = 3;
      if (b == 0xF0) lo = 0x90;  // overlong
      if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (s.size() - i <= more) return false;
    unsigned char second = byte(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (std::size_t k = 2; k <= more; ++k) {
      unsigned char c = byte(s[i + k]);
      if (c < 0x80 || c > 0xBF) return false;
    }
    i += more + 1;
  }
  return true;
}

}  // namespace qmail::parse
