// rfc822_unparse.cc: writing tokens and address lists back in header
// syntax, and the envelope and quoted forms of addresses
// (declared in rfc822_address.h).
#include "parse/rfc822_address.h"

namespace qmail::parse {

namespace {

bool is_word(TokenType t) {
  return t == TokenType::kAtom || t == TokenType::kQuoted || t == TokenType::kLiteral;
}

void append_escaped(std::string& out, std::string_view text, std::string_view special) {
  for (char c : text) {
    if (c == '\r' || c == '\n') {
      out.push_back(' ');
      continue;
    }
    if (special.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
}

void render(std::string& out, const Token& t) {
  switch (t.type) {
    case TokenType::kAtom: {
      bool plain = !t.text.empty();
      for (char c : t.text) plain = plain && is_atom_char(c);
      if (plain) {
        out.append(t.text);
        return;
      }
      out.push_back('"');
      append_escaped(out, t.text, "\"\\");
      out.push_back('"');
      return;
    }
    case TokenType::kQuoted:
      out.push_back('"');
      append_escaped(out, t.text, "\"\\");
      out.push_back('"');
      return;
    case TokenType::kLiteral:
      out.push_back('[');
      append_escaped(out, t.text, "[]\\");
      out.push_back(']');
      return;
    case TokenType::kComment:
      out.push_back('(');
      append_escaped(out, t.text, "()\\");
      out.push_back(')');
      return;
    case TokenType::kAt:
      out.push_back('@');
      return;
    case TokenType::kDot:
      out.push_back('.');
      return;
    case TokenType::kComma:
      out.push_back(',');
      return;
    case TokenType::kLeft:
      out.push_back('<');
      return;
    case TokenType::kRight:
      out.push_back('>');
      return;
    case TokenType::kColon:
      out.push_back(':');
      return;
    case TokenType::kSemicolon:
      out.push_back(';');
      return;
  }
}

bool need_space(const Token* prev, const Token& next) {
  if (!prev) return false;
  TokenType p = prev->type, n = next.type;
  bool next_wordish = is_word(n) || n == TokenType::kComment;
  if (p == TokenType::kColon || p == TokenType::kComma) return true;
  if (n == TokenType::kLeft) return true;
  if ((is_word(p) || p == TokenType::kComment) && next_wordish) return true;
  if ((p == TokenType::kRight || p == TokenType::kSemicolon) && next_wordish) return true;
  return false;
}

}  // namespace

std::string unparse(std::span<const Token> tokens) {
  std::string out;
  const Token* prev = nullptr;
  for (const auto& t : tokens) {
    if (need_space(prev, t)) out.push_back(' ');
    render(out, t);
    prev = &t;
  }
  return out;
}

std::string format_field(std::string_view name, const AddressList& list, std::size_t width) {
  std::string out(name);
  out.push_back(':');
  std::size_t line = out.size();
  std::string piece;
  bool first = true;
  const Token colon{TokenType::kColon, {}};
  const Token* prev = &colon;
  auto place = [&] {
    if (piece.empty()) return;
    if (!first && line + piece.size() > width) {
      out.append("\n ");
      line = 1;
    }
    out.append(piece);
    line += piece.size();
    piece.clear();
    first = false;
  };
  for (const auto& item : list) {
    for (const auto& t : item.tokens) {
      if (need_space(prev, t)) piece.push_back(' ');
      render(piece, t);
      prev = &t;
      if (t.type == TokenType::kComma) place();
    }
  }
  place();
  out.push_back('\n');
  return out;
}

std::string envelope_form(std::span<const Token> tokens) {
  std::string out;
  for (const auto& t : tokens) {
    switch (t.type) {
      case TokenType::kComment:
        break;
      case TokenType::kLiteral:
        out.push_back('[');
        out.append(t.text);
        out.push_back(']');
        break;
      case TokenType::kAtom:
      case TokenType::kQuoted:
        out.append(t.text);
        break;
      default:
        render(out, t);
        break;
    }
  }
  return out;
}

bool local_part_needs_quotes(std::string_view local) {
  if (local.empty()) return false;
  if (local.front() == '.' || local.back() == '.') return true;
  if (local.find("..") != std::string_view::npos) return true;
  for (char c : local)
    if (c != '.' && !is_atom_char(c)) return true;
  return false;
}

std::string quote_local_part(std::string_view local) {
  if (!local_part_needs_quotes(local)) return std::string(local);
  std::string out = "\"";
  append_escaped(out, local, "\"\\");
  out.push_back('"');
  return out;
}

std::string quote_address(std::string_view address) {
  std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return quote_local_part(address);
  return quote_local_part(address.substr(0, at)) + std::string(address.substr(at));
}

}  // namespace qmail::parse
