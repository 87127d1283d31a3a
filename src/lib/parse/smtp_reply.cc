// smtp_reply.cc: the reply reader and EHLO keyword parser of smtp_reply.h.
// Every line is checked on its own ("NNN", "NNN text" or "NNN-text") and
// against the reply's earlier lines (same code); the kept text is bounded
// whatever the server sends, while the line count bounds the work.
#include "parse/smtp_reply.h"

#include "base/str.h"

namespace qmail::parse {

namespace {

constexpr std::string_view kTruncatedNote = "(reply truncated)";

/// 200..599 from the first three bytes of `line`, or 0 when they are not
/// three digits starting with 2, 3, 4 or 5 (RFC 5321 4.2: the first digit
/// says success, intermediate, temporary or permanent; nothing else exists).
int reply_code(std::string_view line) {
  if (line.size() < 3) return 0;
  for (std::size_t i = 0; i < 3; ++i)
    if (line[i] < '0' || line[i] > '9') return 0;
  if (line[0] < '2' || line[0] > '5') return 0;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/// Cuts the next word (up to a space or tab) off `rest`; empty when none is left.
std::string_view next_word(std::string_view& rest) {
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  std::size_t end = rest.find_first_of(" \t");
  if (end == std::string_view::npos) end = rest.size();
  std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end);
  return word;
}

void note_auth_mechanism(std::string_view mech, EhloExtensions& ext) {
  if (ascii_iequal(mech, "PLAIN")) ext.auth_plain = true;
  if (ascii_iequal(mech, "LOGIN")) ext.auth_login = true;
  if (ascii_iequal(mech, "CRAM-MD5")) ext.auth_cram_md5 = true;
}

}  // namespace

std::string SmtpReply::text(std::string_view sep) const {
  std::string out;
  const std::string code_text = fmt_u64(code < 0 ? 0 : static_cast<std::uint64_t>(code));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out.append(sep);
    out.append(code_text);
    if (lines[i].empty()) continue;
    out.push_back(' ');
    for (char c : lines[i]) {
      auto b = static_cast<unsigned char>(c);
      out.push_back(b < 0x20 || b >= 0x7f ? '?' : c);
    }
  }
  if (truncated) {
    if (!out.empty()) out.append(sep);
    out.append(kTruncatedNote);
  }
  return out;
}

SmtpReplyParser::Step SmtpReplyParser::feed_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // The caller cuts long lines; cutting again here keeps the bound if it did not.
  if (line.size() > kMaxSmtpReplyLine) line = line.substr(0, kMaxSmtpReplyLine);

  if (++lines_ > kMaxSmtpReplyLines) {
    error_ = "SMTP reply has too many lines";
    return Step::kMalformed;
  }
  if (line.size() < 3) {
    error_ = "not an SMTP reply line: too short";
    return Step::kMalformed;
  }
  int code = reply_code(line);
  if (code == 0) {
    error_ = "not an SMTP reply line: no reply code";
    return Step::kMalformed;
  }
  bool last = true;
  if (line.size() > 3) {
    if (line[3] == '-') {
      last = false;
    } else if (line[3] != ' ') {
      error_ = "not an SMTP reply line: no space or hyphen after the code";
      return Step::kMalformed;
    }
  }
  if (lines_ == 1) {
    reply_.code = code;
  } else if (code != reply_.code) {
    // RFC 5321 4.2.1: every line of a multiline reply carries the same code.
    error_ = "SMTP reply code changed between lines";
    return Step::kMalformed;
  }

  std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
  if (!reply_.truncated) {
    std::size_t room = kMaxSmtpReplyKept - kept_;
    if (text.size() > room) {
      // Keep what fits of this line and drop the later ones: the start of a
      // reply is what says what went wrong.
      text = text.substr(0, room);
      reply_.truncated = true;
    }
    if (!text.empty() || !reply_.truncated) {
      reply_.lines.emplace_back(text);
      kept_ += text.size();
    }
  }
  return last ? Step::kDone : Step::kMore;
}

void SmtpReplyParser::reset() {
  reply_ = SmtpReply();
  error_.clear();
  lines_ = 0;
  kept_ = 0;
}

EhloExtensions parse_ehlo(const SmtpReply& reply) {
  EhloExtensions ext;
  if (reply.kind() != 2) return ext;  // a refused EHLO offers nothing
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    std::string_view rest = reply.lines[i];
    std::string_view keyword = next_word(rest);
    if (ascii_iequal(keyword, "PIPELINING")) {
      ext.pipelining = true;
    } else if (ascii_iequal(keyword, "STARTTLS")) {
      ext.starttls = true;
    } else if (ascii_iequal(keyword, "8BITMIME")) {
      ext.eightbitmime = true;
    } else if (ascii_iequal(keyword, "SMTPUTF8")) {
      ext.smtputf8 = true;
    } else if (ascii_iequal(keyword, "ENHANCEDSTATUSCODES")) {
      ext.enhancedstatuscodes = true;
    } else if (ascii_iequal(keyword, "SIZE")) {
      // RFC 1870: "SIZE" alone or "SIZE 0" means no fixed limit.
      ext.size = true;
      auto limit = scan_u64(next_word(rest));
      ext.size_limit = limit ? *limit : 0;
    } else if (ascii_iequal(keyword, "AUTH") || ascii_istarts_with(keyword, "AUTH=")) {
      // "AUTH=LOGIN PLAIN" is what servers said before RFC 2554 was final.
      if (keyword.size() > 5) note_auth_mechanism(keyword.substr(5), ext);
      for (std::string_view mech = next_word(rest); !mech.empty(); mech = next_word(rest))
        note_auth_mechanism(mech, ext);
    }
  }
  return ext;
}

}  // namespace qmail::parse
