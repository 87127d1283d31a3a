#include "parse/dot_forward.h"

#include "base/str.h"
#include "parse/rfc822_specials.h"

namespace qmail::parse {

namespace {

enum class Tok { kWord, kAt, kDot, kComma, kSemi, kColon, kLeft, kRight };

struct Token {
  Tok type;
  std::string text;   // a word, unquoted
  bool atom = false;  // the word was a bare atom (not quoted, not a literal)
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Reads a quoted string or domain literal starting after its opening
// character up to `close`; a backslash quotes the next character.
Status read_quoted(std::string_view s, std::size_t& i, char close, std::string& out) {
  while (i < s.size()) {
    char c = s[i++];
    if (c == close) return {};
    if (c == '\\') {
      if (i == s.size()) break;
      c = s[i++];
    }
    out += c;
  }
  return perm_error(close == '"' ? "unterminated quoted string" : "unterminated domain literal");
}

// Comments nest (RFC 822 3.4.3); they are read iteratively with a counter.
Status skip_comment(std::string_view s, std::size_t& i) {
  std::size_t depth = 1;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '\\') {
      if (i == s.size()) break;
      ++i;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0) return {};
    }
  }
  return perm_error("unterminated comment");
}

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_blank(c)) {
      ++i;
      continue;
    }
    ++i;
    switch (c) {
      case '(':
        if (auto st = skip_comment(s, i); !st) return st.error();
        continue;
      case '"': {
        Token t{Tok::kWord, {}};
        if (auto st = read_quoted(s, i, '"', t.text); !st) return st.error();
        out.push_back(std::move(t));
        continue;
      }
      case '[': {
        Token t{Tok::kWord, "["};
        if (auto st = read_quoted(s, i, ']', t.text); !st) return st.error();
        t.text += ']';
        out.push_back(std::move(t));
        continue;
      }
      case ')':
        return perm_error("unbalanced )");
      case ']':
        return perm_error("unbalanced ]");
      case '<':
        out.push_back({Tok::kLeft, {}});
        continue;
      case '>':
        out.push_back({Tok::kRight, {}});
        continue;
      case '@':
        out.push_back({Tok::kAt, {}});
        continue;
      case '.':
        out.push_back({Tok::kDot, {}});
        continue;
      case ',':
        out.push_back({Tok::kComma, {}});
        continue;
      case ';':
        out.push_back({Tok::kSemi, {}});
        continue;
      case ':':
        out.push_back({Tok::kColon, {}});
        continue;
      default:
        break;
    }
    // An atom; as in sendmail, a backslash quotes the next character ("\joe").
    Token t{Tok::kWord, {}, true};
    --i;
    while (i < s.size() && !is_blank(s[i]) && !is_rfc822_special(s[i])) {
      if (s[i] == '\\') {
        if (++i == s.size()) return perm_error("backslash at end of line");
      }
      t.text += s[i++];
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Words next to each other with only blanks between are separate addresses;
// '@' and '.' join their neighbours.
Status split_plain(const std::vector<Token>& toks, std::vector<ForwardWord>& out) {
  ForwardWord cur;
  bool last_word = false;
  auto emit = [&]() -> Status {
    if (cur.has_at && (cur.text.front() == '@' || cur.text.back() == '@'))
      return perm_error("address with an empty local part or domain");
    if (!cur.text.empty()) out.push_back(std::move(cur));
    cur = ForwardWord{};
    return {};
  };
  for (const auto& t : toks) {
    if (t.type == Tok::kWord) {
      if (last_word)
        if (auto st = emit(); !st) return st;
      cur.text += t.text;
      last_word = true;
    } else {
      cur.text += t.type == Tok::kAt ? '@' : '.';
      if (t.type == Tok::kAt) cur.has_at = true;
      last_word = false;
    }
  }
  return emit();
}

// The address between '<' and '>'; a source route ("@a,@b:") is dropped.
Status read_angle(const std::vector<Token>& toks, std::size_t& i, std::vector<ForwardWord>& out) {
  ForwardWord w;
  bool in_route = false;
  for (; i < toks.size(); ++i) {
    const Token& t = toks[i];
    switch (t.type) {
      case Tok::kRight:
        ++i;
        if (in_route) return perm_error("unfinished source route");
        if (w.has_at && (w.text.empty() || w.text.front() == '@' || w.text.back() == '@'))
          return perm_error("address with an empty local part or domain");
        if (!w.text.empty()) out.push_back(std::move(w));
        return {};
      case Tok::kLeft:
      case Tok::kSemi:
        return perm_error("unexpected character inside <>");
      case Tok::kComma:
        in_route = true;
        w = ForwardWord{};
        break;
      case Tok::kColon:
        in_route = false;
        w = ForwardWord{};
        break;
      case Tok::kAt:
        w.text += '@';
        w.has_at = true;
        break;
      case Tok::kDot:
        w.text += '.';
        break;
      case Tok::kWord:
        w.text += t.text;
        break;
    }
  }
  return perm_error("unbalanced <");
}

bool is_include(const std::vector<Token>& toks, std::size_t i) {
  return i + 2 < toks.size() && toks[i].type == Tok::kColon && toks[i + 1].type == Tok::kWord &&
         toks[i + 1].atom && ascii_iequal(toks[i + 1].text, "include") &&
         toks[i + 2].type == Tok::kColon;
}

}  // namespace

Result<std::vector<ForwardWord>> split_forward_line(std::string_view line) {
  if (line.find('\0') != std::string_view::npos) return perm_error("NUL byte");
  auto toks = tokenize(line);
  if (!toks) return toks.error();
  std::vector<ForwardWord> out;
  std::vector<Token> pending;  // plain tokens of the current list element
  bool element_start = true;
  std::size_t i = 0;
  while (i < toks->size()) {
    if (element_start && is_include(*toks, i)) return perm_error(":include: is not supported");
    element_start = false;
    const Token& t = (*toks)[i];
    switch (t.type) {
      case Tok::kComma:
      case Tok::kSemi:  // the end of a group
        if (auto st = split_plain(pending, out); !st) return st.error();
        pending.clear();
        element_start = true;
        ++i;
        break;
      case Tok::kColon:  // "group name:" — the name is not an address
        pending.clear();
        ++i;
        break;
      case Tok::kRight:
        return perm_error("unbalanced >");
      case Tok::kLeft:  // "Display Name <address>": the name is dropped
        pending.clear();
        ++i;
        if (auto st = read_angle(*toks, i, out); !st) return st.error();
        break;
      default:
        pending.push_back(t);
        ++i;
        break;
    }
  }
  if (auto st = split_plain(pending, out); !st) return st.error();
  return out;
}

bool classify_forward_word(const ForwardWord& word, const ForwardContext& ctx,
                           ForwardInstruction& out) {
  const std::string& s = word.text;
  if (s.empty()) return false;
  if (!ctx.user.empty()) {
    bool self = false;
    if (!word.has_at) {
      self = ascii_iequal(s, ctx.user);
    } else if (s.size() == ctx.user.size() + 1 + ctx.host.size()) {
      std::string_view v = s;
      self = ascii_iequal(v.substr(0, ctx.user.size()), ctx.user) && v[ctx.user.size()] == '@' &&
             ascii_iequal(v.substr(ctx.user.size() + 1), ctx.host);
    }
    if (self) {
      out = {ForwardKind::kSelf, s};
      return true;
    }
  }
  if (!word.has_at && s.front() == '/') {
    out = {ForwardKind::kFile, s};
    return true;
  }
  if (!word.has_at && s.front() == '|') {
    out = {ForwardKind::kProgram, s.substr(1)};
    return true;
  }
  std::string addr = s;
  if (!word.has_at) {
    addr += '@';
    addr.append(ctx.default_host);
  }
  if (addr.back() == '+') {
    addr.back() = '.';
    addr.append(ctx.plus_domain);
  }
  auto at = addr.rfind('@');
  if (addr.find('.', at) == std::string::npos) {
    addr += '.';
    addr.append(ctx.default_domain);
  }
  out = {ForwardKind::kAddress, std::move(addr)};
  return true;
}

Result<std::vector<ForwardInstruction>> parse_dot_forward(std::string_view file,
                                                          const ForwardContext& ctx) {
  if (file.size() > kMaxDotForwardFile) return perm_error("file is too large");
  std::vector<ForwardInstruction> out;
  std::size_t lineno = 0;
  while (!file.empty()) {
    auto nl = file.find('\n');
    std::string_view line = file.substr(0, nl);
    file = nl == std::string_view::npos ? std::string_view{} : file.substr(nl + 1);
    ++lineno;
    if (!line.empty() && line.front() == '#') continue;
    auto words = split_forward_line(line);
    if (!words) {
      return perm_error("line " + fmt_u64(lineno) + ": " + words.error().what);
    }
    for (const auto& w : *words) {
      ForwardInstruction ins;
      if (!classify_forward_word(w, ctx, ins)) continue;
      if (ins.kind == ForwardKind::kProgram && trim(ins.target).empty())
        return perm_error("unable to parse line " + fmt_u64(lineno) + ": empty program");
      if (out.size() == kMaxDotForwardTargets) return perm_error("too many instructions");
      out.push_back(std::move(ins));
    }
  }
  return out;
}

}  // namespace qmail::parse
