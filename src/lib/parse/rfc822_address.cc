#include "parse/rfc822_address.h"

#include "parse/rfc822_specials.h"

namespace qmail::parse {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Characters that end an atom: blanks and the RFC 822 specials.
bool ends_atom(char c) { return is_blank(c) || is_rfc822_special(c); }

bool is_word(TokenType t) {
  return t == TokenType::kAtom || t == TokenType::kQuoted || t == TokenType::kLiteral;
}

// Reads a quoted string, comment or domain literal starting after its opening
// character at `i`; leaves `i` after the closing one.  CR and LF inside are
// folding (RFC 5322 3.2.2) and dropped, escaped or not, so that no rewritten
// field can ever carry a line break into the header.
Result<std::string> read_delimited(std::string_view s, std::size_t& i, char open, char close,
                                   bool nests, const char* what) {
  std::string text;
  std::size_t depth = 1;
  for (;;) {
    if (i >= s.size()) return perm_error(std::string("unterminated ") + what);
    char c = s[i++];
    if (c == '\\') {
      if (i >= s.size()) return perm_error(std::string("unterminated ") + what);
      c = s[i++];
      if (c != '\r' && c != '\n') text.push_back(c);
      continue;
    }
    if (c == close && --depth == 0) return text;
    if (nests && c == open) ++depth;
    if (c != '\r' && c != '\n') text.push_back(c);
  }
}

class ListBuilder {
 public:
  void text(const Token& t) { text(std::span<const Token>(&t, 1)); }
  void text(std::span<const Token> ts) {
    if (ts.empty()) return;
    if (out_.empty() || out_.back().kind != AddressItem::Kind::kText)
      out_.push_back({AddressItem::Kind::kText, {}});
    auto& v = out_.back().tokens;
    v.insert(v.end(), ts.begin(), ts.end());
  }
  void address(std::vector<Token> ts) {
    out_.push_back({AddressItem::Kind::kAddress, std::move(ts)});
  }
  // A run of words, dots, "@"s and comments between delimiters: one or more
  // bare addresses.  A word right after a word starts the next address
  // (qmail-header(5): "djb fred" -> "djb, fred").
  void bare_addresses(std::vector<Token>& run) {
    std::vector<Token> addr, comments;
    bool prev_word = false;
    for (auto& t : run) {
      if (t.type == TokenType::kComment) {
        comments.push_back(std::move(t));
        continue;
      }
      bool word = is_word(t.type);
      if (word && prev_word) {
        address(std::move(addr));
        text(comments);
        text(Token{TokenType::kComma, {}});
        addr.clear();
        comments.clear();
      }
      addr.push_back(std::move(t));
      prev_word = word;
    }
    if (!addr.empty()) address(std::move(addr));
    text(comments);
    run.clear();
  }
  AddressList take() { return std::move(out_); }

 private:
  AddressList out_;
};

}  // namespace

bool is_rfc822_special(char c) {
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '"':
    case '.':
    case '[':
    case ']':
      return true;
    default:
      return false;
  }
}

bool is_atom_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x80) return true;  // RFC 6532 3.2: UTF-8 is atext
  if (u <= 32 || u == 127) return false;
  return !ends_atom(c) && c != '\\';
}

Result<std::vector<Token>> tokenize(std::string_view s) {
  if (s.size() > kMaxAddressList) return perm_error("address list too long");
  if (s.find('\0') != std::string_view::npos) return perm_error("NUL in address list");
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_blank(c)) {
      ++i;
      continue;
    }
    TokenType special;
    switch (c) {
      case '@':
        special = TokenType::kAt;
        break;
      case '.':
        special = TokenType::kDot;
        break;
      case ',':
        special = TokenType::kComma;
        break;
      case '<':
        special = TokenType::kLeft;
        break;
      case '>':
        special = TokenType::kRight;
        break;
      case ':':
        special = TokenType::kColon;
        break;
      case ';':
        special = TokenType::kSemicolon;
        break;
      case ')':
        return perm_error("unbalanced )");
      case ']':
        return perm_error("unbalanced ]");
      case '"':
      case '(':
      case '[': {
        ++i;
        Result<std::string> text = c == '"' ? read_delimited(s, i, '"', '"', false, "quoted string")
                                   : c == '('
                                       ? read_delimited(s, i, '(', ')', true, "comment")
                                       : read_delimited(s, i, '[', ']', false, "domain literal");
        if (!text) return text.error();
        TokenType t = c == '"'   ? TokenType::kQuoted
                      : c == '(' ? TokenType::kComment
                                 : TokenType::kLiteral;
        out.push_back({t, std::move(*text)});
        continue;
      }
      default: {
        std::string text;
        bool quote = false;
        while (i < s.size() && !ends_atom(s[i])) {
          char a = s[i++];
          if (a == '\\') {
            if (i >= s.size()) return perm_error("backslash at end of address list");
            a = s[i++];
            if (a == '\r' || a == '\n') continue;
          }
          if (!is_atom_char(a)) quote = true;
          text.push_back(a);
        }
        out.push_back({quote ? TokenType::kQuoted : TokenType::kAtom, std::move(text)});
        continue;
      }
    }
    out.push_back({special, {}});
    ++i;
  }
  return out;
}

Result<AddressList> parse_address_list(std::span<const Token> tokens) {
  ListBuilder b;
  std::vector<Token> run;
  bool in_group = false;
  bool after_route = false;  // just closed "<...>": the next word needs a comma
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    switch (t.type) {
      case TokenType::kLeft: {
        b.text(run);  // the phrase before "<"
        run.clear();
        std::size_t j = i + 1;
        while (j < tokens.size() && tokens[j].type != TokenType::kRight) {
          if (tokens[j].type == TokenType::kLeft) return perm_error("nested <");
          ++j;
        }
        if (j == tokens.size()) return perm_error("< without >");
        b.text(t);
        b.address(std::vector<Token>(tokens.begin() + i + 1, tokens.begin() + j));
        b.text(tokens[j]);
        i = j;
        after_route = true;
        break;
      }
      case TokenType::kRight:
        return perm_error("> without <");
      case TokenType::kComma:
        b.bare_addresses(run);
        b.text(t);
        after_route = false;
        break;
      case TokenType::kColon:
        if (in_group) return perm_error("group inside a group");
        b.text(run);  // the group's name
        run.clear();
        b.text(t);
        in_group = true;
        after_route = false;
        break;
      case TokenType::kSemicolon:
        if (!in_group) return perm_error("; outside a group");
        b.bare_addresses(run);
        b.text(t);
        in_group = false;
        after_route = false;
        break;
      default:
        if (after_route) {
          if (t.type == TokenType::kComment) {
            b.text(t);
            break;
          }
          b.text(Token{TokenType::kComma, {}});
          after_route = false;
        }
        run.push_back(t);
        break;
    }
  }
  if (in_group) return perm_error("group without ;");
  b.bare_addresses(run);
  return b.take();
}

Result<AddressList> parse_address_list(std::string_view text) {
  auto tokens = tokenize(text);
  if (!tokens) return tokens.error();
  return parse_address_list(*tokens);
}

}  // namespace qmail::parse
