#include "parse/ident_reply.h"

#include "base/str.h"

namespace qmail::parse {

namespace {
std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Cuts the text up to the next ':' off `rest`; false when there is none.
bool next_field(std::string_view& rest, std::string_view& field) {
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return false;
  field = trim_blanks(rest.substr(0, colon));
  rest.remove_prefix(colon + 1);
  return true;
}

/// A port number 1..65535 in decimal, nothing else.
bool port_is(std::string_view text, std::uint16_t want) {
  if (text.empty() || text.size() > 5) return false;
  auto n = scan_u64(text);
  return n && *n == want;
}
}  // namespace

Result<std::string> parse_ident_reply(std::string_view line, std::uint16_t remote_port,
                                      std::uint16_t local_port) {
  if (line.size() > kMaxIdentLine) return perm_error("ident reply too long");
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  for (char c : line)
    if (c == '\0' || c == '\r' || c == '\n') return perm_error("ident reply has a control byte");

  std::string_view rest = line;
  std::string_view ports, kind, opsys;
  if (!next_field(rest, ports)) return perm_error("ident reply has no port pair");
  auto comma = ports.find(',');
  if (comma == std::string_view::npos) return perm_error("ident reply has no port pair");
  if (!port_is(trim_blanks(ports.substr(0, comma)), remote_port) ||
      !port_is(trim_blanks(ports.substr(comma + 1)), local_port))
    return perm_error("ident reply is for another connection");
  if (!next_field(rest, kind)) return perm_error("ident reply has no reply type");
  if (!ascii_iequal(kind, "USERID")) return perm_error("ident server answered an error");
  if (!next_field(rest, opsys) || opsys.empty()) return perm_error("ident reply has no opsys");
  // The user-id is everything after the third colon, colons included.
  std::string_view user = trim_blanks(rest);
  if (user.empty()) return perm_error("ident reply has an empty user-id");
  if (user.size() > kMaxIdentUserId) return perm_error("ident user-id too long");
  return std::string(user);
}

std::string ident_query(std::uint16_t remote_port, std::uint16_t local_port) {
  return fmt_u64(remote_port) + " , " + fmt_u64(local_port) + "\r\n";
}

}  // namespace qmail::parse
