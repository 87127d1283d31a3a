#include "qmail-send/rewrite.h"

#include "base/str.h"

namespace qmail::send {

std::string_view channel_name(Channel c) { return c == Channel::kLocal ? "local" : "remote"; }

void RewriteRules::add_virtualdomains(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    // the first line for a key wins, as with qmail's constmap
    virtualdomains.emplace(ascii_lower(std::string_view(line).substr(0, colon)),
                           line.substr(colon + 1));
  }
}

namespace {
const std::string* lookup_virtual(const RewriteRules& rules, std::string_view key) {
  auto it = rules.virtualdomains.find(ascii_lower(key));
  return it == rules.virtualdomains.end() ? nullptr : &it->second;
}
}  // namespace

Rewritten rewrite_recipient(const RewriteRules& rules, std::string_view rcpt) {
  std::string addr(rcpt);
  std::size_t at = addr.rfind('@');
  if (at == std::string::npos) {
    at = addr.size();
    addr += '@';
    addr += rules.envnoathost;
  }
  // user%host@domain => user@host while domain is in percenthack; each round
  // removes one '%', so this ends.
  while (rules.percenthack.contains(std::string_view(addr).substr(at + 1))) {
    std::size_t pct = std::string_view(addr).substr(0, at).rfind('%');
    if (pct == std::string::npos) break;
    addr.resize(at);
    addr[pct] = '@';
    at = pct;
  }
  std::string_view domain = std::string_view(addr).substr(at + 1);
  if (rules.locals.contains(domain)) return {Channel::kLocal, addr};

  // virtualdomains, most specific first: the whole address, the domain, each
  // ".suffix" of the domain, then the catch-all "".
  std::vector<std::string_view> keys;
  keys.push_back(addr);
  keys.push_back(domain);
  for (std::size_t i = 1; i < domain.size(); ++i)
    if (domain[i] == '.') keys.push_back(domain.substr(i));
  keys.push_back(std::string_view{});
  for (std::string_view key : keys) {
    const std::string* prefix = lookup_virtual(rules, key);
    if (!prefix) continue;
    if (prefix->empty()) break;  // an exception: not virtual after all
    return {Channel::kLocal, *prefix + "-" + addr};
  }
  return {Channel::kRemote, addr};
}

}  // namespace qmail::send
