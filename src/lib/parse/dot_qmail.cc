#include "parse/dot_qmail.h"

#include "base/str.h"

namespace qmail::parse {

namespace {
// Only spaces and tabs: dot-qmail(5) allows them at the end of a line.  A CR is
// kept, as qmail keeps it.
std::string_view strip_blanks(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}
}  // namespace

DotQmailLine classify_dot_qmail_line(std::string_view line) {
  line = strip_blanks(line);
  if (line.empty()) return {DotQmailKind::kBlank, line};
  switch (line.front()) {
    case '#':
      return {DotQmailKind::kComment, line};
    case '.':
    case '/':
      return {line.back() == '/' ? DotQmailKind::kMaildir : DotQmailKind::kMbox, line};
    case '|':
      return {DotQmailKind::kProgram, line.substr(1)};
    case '+':
      return {line == "+list" ? DotQmailKind::kList : DotQmailKind::kIgnored, line};
    case '&':
      return {DotQmailKind::kForward, line.substr(1)};
    default:
      return {DotQmailKind::kForward, line};
  }
}

Result<std::vector<DotQmailLine>> parse_dot_qmail(std::string_view text) {
  if (text.size() > kMaxDotQmailFile) return temp_error(".qmail file is too large");
  if (text.find('\0') != std::string_view::npos) return temp_error(".qmail file contains a NUL");
  std::vector<DotQmailLine> out;
  // A missing final newline is added, as qmail does; an empty input is one blank line.
  std::size_t pos = 0;
  do {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    DotQmailLine l = classify_dot_qmail_line(text.substr(pos, end - pos));
    if (l.kind == DotQmailKind::kBlank && out.empty())
      return temp_error("first line of .qmail file is blank");
    if (l.kind == DotQmailKind::kForward && l.text.empty())
      return temp_error(".qmail file has a forward line without an address");
    out.push_back(l);
    pos = end + 1;
  } while (pos < text.size());
  return out;
}

std::string safe_extension(std::string_view ext) {
  std::string s = ascii_lower(ext);
  for (char& c : s)
    if (c == '.') c = ':';
  return s;
}

std::vector<DotQmailCandidate> dot_qmail_candidates(std::string_view dash, std::string_view ext) {
  constexpr std::string_view kDefault = "default";
  const std::string safe = safe_extension(ext);
  const std::string base = ".qmail" + std::string(dash);
  std::vector<DotQmailCandidate> out;
  DotQmailCandidate exact{base + safe, std::nullopt};
  // An address naming "...-default" itself also sets $DEFAULT, as in qmail.
  if (safe.size() >= kDefault.size() && safe.ends_with(kDefault))
    exact.default_from = safe.size() - kDefault.size();
  out.push_back(std::move(exact));
  if (dash.empty()) return out;
  // Cut the extension after each '-', longest prefix first, then to nothing.
  for (std::size_t i = safe.size() + 1; i-- > 0;) {
    if (i != 0 && safe[i - 1] != '-') continue;
    out.push_back({base + safe.substr(0, i) + std::string(kDefault), i});
  }
  return out;
}

}  // namespace qmail::parse
