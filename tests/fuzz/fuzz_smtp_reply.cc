// fuzz_smtp_reply: what an SMTP server answers qmail-remote.  The input is
// cut at LF into lines (each cut to kMaxSmtpReplyLine, as qmail-remote's
// reader does) and fed to SmtpReplyParser, starting a new reply after each
// complete or malformed one.  A complete reply must have a code in 200..599,
// at most kMaxSmtpReplyLines lines and kMaxSmtpReplyKept bytes of text, and a
// text() of printable ASCII and separators only; a malformed one must say
// why.  parse_ehlo() must not claim a SIZE limit without SIZE.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parse/smtp_reply.h"

using qmail::parse::kMaxSmtpReplyKept;
using qmail::parse::kMaxSmtpReplyLine;
using qmail::parse::kMaxSmtpReplyLines;
using qmail::parse::SmtpReply;
using qmail::parse::SmtpReplyParser;

namespace {

void check_complete(const SmtpReply& r) {
  if (r.code < 200 || r.code > 599) std::abort();
  if (r.kind() < 2 || r.kind() > 5) std::abort();
  if (r.lines.empty() || r.lines.size() > kMaxSmtpReplyLines) std::abort();
  std::size_t kept = 0;
  for (const std::string& l : r.lines) kept += l.size();
  if (kept > kMaxSmtpReplyKept) std::abort();

  std::string text = r.text("\n");
  std::string code = std::to_string(r.code);
  if (text.compare(0, code.size(), code) != 0) std::abort();
  std::size_t line_ends = 0;
  for (char c : text) {
    if (c == '\n') {
      ++line_ends;
      continue;
    }
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7f) std::abort();
  }
  if (line_ends != r.lines.size() - 1 + (r.truncated ? 1 : 0)) std::abort();

  auto ehlo = qmail::parse::parse_ehlo(r);
  if (!ehlo.size && ehlo.size_limit != 0) std::abort();
  if (r.kind() != 2 && (ehlo.pipelining || ehlo.starttls || ehlo.auth_plain)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  SmtpReplyParser parser;
  while (!in.empty()) {
    std::size_t lf = in.find('\n');
    std::string_view line = in.substr(0, lf);
    in.remove_prefix(lf == std::string_view::npos ? in.size() : lf + 1);
    if (line.size() > kMaxSmtpReplyLine) line = line.substr(0, kMaxSmtpReplyLine);
    switch (parser.feed_line(line)) {
      case SmtpReplyParser::Step::kMore:
        if (parser.reply().code < 200 || parser.reply().code > 599) std::abort();
        break;
      case SmtpReplyParser::Step::kDone:
        check_complete(parser.reply());
        parser.reset();
        break;
      case SmtpReplyParser::Step::kMalformed:
        if (parser.error().empty()) std::abort();
        parser.reset();
        break;
    }
  }
  return 0;
}
