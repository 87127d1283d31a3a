#include "mailbox/lines.h"

#include "base/date822.h"

namespace qmail::mailbox {

namespace {
// Characters an RFC 822 atom may hold unquoted ('.' is checked separately).
// Bytes above 127 pass: SMTPUTF8 local parts are UTF-8 atoms (RFC 6532 3.2).
bool atom_char(unsigned char c) {
  if (c >= 128) return true;
  if (c <= 32 || c == 127) return false;
  switch (c) {
    case '"':
    case '(':
    case ')':
    case ',':
    case ':':
    case ';':
    case '<':
    case '>':
    case '@':
    case '[':
    case '\\':
    case ']':
      return false;
    default:
      return true;
  }
}

bool needs_quotes(std::string_view local) {
  if (local.empty()) return false;
  for (unsigned char c : local)
    if (!atom_char(c)) return true;
  return local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos;
}

void replace_newlines(std::string& s, char with) {
  for (char& c : s)
    if (c == '\n') c = with;
}
}  // namespace

std::string quote_address(std::string_view addr) {
  std::size_t at = addr.rfind('@');
  std::string_view local = at == std::string_view::npos ? addr : addr.substr(0, at);
  std::string_view domain = at == std::string_view::npos ? std::string_view() : addr.substr(at);
  if (!needs_quotes(local)) return std::string(addr);
  std::string out = "\"";
  for (char c : local) {
    if (c == '\r' || c == '\n' || c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  out.append(domain);
  return out;
}

std::string return_path_line(std::string_view sender) {
  std::string line = "Return-Path: <" + quote_address(sender);
  replace_newlines(line, '_');
  line += ">\n";
  return line;
}

std::string delivered_to_line(std::string_view recipient) {
  std::string line = "Delivered-To: " + std::string(recipient);
  replace_newlines(line, '_');
  line += '\n';
  return line;
}

std::string mbox_from_line(std::string_view sender, std::time_t when) {
  std::string line = "From ";
  if (sender.empty()) {
    line += "MAILER-DAEMON";
  } else {
    for (char c : sender) line += (c == ' ' || c == '\t' || c == '\n') ? '-' : c;
  }
  line += ' ';
  line += date_asctime(when);
  line += '\n';
  return line;
}

}  // namespace qmail::mailbox
