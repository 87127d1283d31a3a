// fuzz_smtp_command: one SMTP command line, as qmail-smtpd gets it from the
// network.  Besides not crashing, the parsers must keep their promises: a
// verb's argument lies inside the line, and an accepted path obeys the limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/smtp_command.h"

using namespace qmail::parse;

namespace {

void check_path(const qmail::Result<SmtpPath>& r, bool utf8_allowed) {
  if (!r.ok()) return;
  // An unquoted address can be shorter than the path but never much longer.
  if (r->address.size() > kMaxSmtpPath) std::abort();
  if (r->utf8 && (!utf8_allowed || !valid_utf8(r->address))) std::abort();
  for (char c : r->address)
    if (static_cast<unsigned char>(c) < 32 || c == 127) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  SmtpCommand cmd = parse_smtp_command(line);
  if (!cmd.arg.empty() &&
      (cmd.arg.data() < line.data() || cmd.arg.data() + cmd.arg.size() > line.data() + size))
    std::abort();

  PathError why;
  check_path(parse_mail_from(line, false, &why), false);
  check_path(parse_mail_from(line, true, &why), true);
  check_path(parse_rcpt_to(line, false, &why), false);
  check_path(parse_rcpt_to(line, true, &why), true);
  if (cmd.verb == SmtpVerb::kMail) check_path(parse_mail_from(cmd.arg, true), true);
  if (cmd.verb == SmtpVerb::kRcpt) check_path(parse_rcpt_to(cmd.arg, false), false);

  bool ascii_domain = valid_smtp_domain(line, false);
  if (ascii_domain && !valid_smtp_domain(line, true)) std::abort();
  (void)valid_utf8(line);
  return 0;
}
