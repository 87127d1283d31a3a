#include "inject/rewrite.h"

#include <algorithm>

namespace qmail::inject {

using parse::Token;
using parse::TokenType;

namespace {
Result<std::vector<Token>> tokens_of(std::string_view text, const char* what) {
  auto t = parse::tokenize(text);
  if (!t) return temp_error(std::string("unable to parse ") + what + ": " + t.error().what);
  return t;
}

void append(std::vector<Token>& to, const std::vector<Token>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

bool has(const std::vector<Token>& a, TokenType t) {
  return std::any_of(a.begin(), a.end(), [t](const Token& x) { return x.type == t; });
}
}  // namespace

Result<Rewriter> Rewriter::make(const Config& config) {
  Rewriter r;
  auto host = tokens_of(config.default_host, "defaulthost");
  if (!host) return host.error();
  auto domain = tokens_of(config.default_domain, "defaultdomain");
  if (!domain) return domain.error();
  auto plus = tokens_of(config.plus_domain, "plusdomain");
  if (!plus) return plus.error();
  r.host_.push_back({TokenType::kAt, {}});
  append(r.host_, *host);
  r.domain_.push_back({TokenType::kDot, {}});
  append(r.domain_, *domain);
  r.plus_ = std::move(*plus);
  return r;
}

void Rewriter::rewrite(std::vector<Token>& a) const {
  if (a.empty()) return;  // <>
  std::size_t n = a.size();
  if (n >= 2 && a[n - 1].type == TokenType::kLiteral && a[n - 1].text.empty() &&
      a[n - 2].type == TokenType::kAt)
    return;  // <foo@[]> is left for qmail-send's VERP and double-bounce forms

  // A source route "@a,@b:box@host" goes: qmail-header(5) strips them all.
  if (a.front().type == TokenType::kAt) {
    auto colon = std::find_if(a.begin(), a.end(),
                              [](const Token& t) { return t.type == TokenType::kColon; });
    a.erase(a.begin(), colon == a.end() ? a.end() : colon + 1);
    if (a.empty()) return;
  }
  if (a.back().type == TokenType::kDot) a.pop_back();  // "box@host." -> "box@host"
  if (a.empty()) return;
  if (a.back().type == TokenType::kAt) a.pop_back();  // "box@" -> "box"
  if (a.empty()) return;

  if (!has(a, TokenType::kAt)) append(a, host_);

  // "host+" -> "host.plusdomain"
  if (a.back().type == TokenType::kAtom && !a.back().text.empty() && a.back().text.back() == '+') {
    a.back().text.pop_back();
    if (a.back().text.empty())
      a.pop_back();
    else
      a.push_back({TokenType::kDot, {}});
    append(a, plus_);
  }

  // A host without dots (and not a literal) gets the default domain.
  for (auto it = a.rbegin(); it != a.rend() && it->type != TokenType::kAt; ++it)
    if (it->type == TokenType::kDot || it->type == TokenType::kLiteral) return;
  append(a, domain_);
}

Result<std::string> Rewriter::envelope(std::string_view header_syntax) const {
  auto tokens = parse::tokenize(header_syntax);
  if (!tokens) return tokens.error();
  rewrite(*tokens);
  return parse::envelope_form(*tokens);
}

}  // namespace qmail::inject
