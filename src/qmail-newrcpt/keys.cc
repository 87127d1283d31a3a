#include "keys.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "base/str.h"
#include "parse/dot_qmail.h"

namespace qmail::newrcpt {

namespace {
constexpr std::size_t kMaxUserName = 31;  // qmail-getpw(8): names are shorter than 32
// A ':' in a .qmail file name stands for a '.' or a ':' in the address
// (dot-qmail(5)).  Up to this many colons every spelling gets a key (16 at
// most); past it, a prefix key up to the first colon: permissive, and bounded.
constexpr std::size_t kMaxColons = 4;
constexpr std::string_view kDefault = "default";
constexpr std::string_view kDashDefault = "-default";

// No SMTP client can send these bytes in an address (RFC 5321 4.1.2).
bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool has_upper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Local parts as qmail-lspawn sees them (after virtualdomains), lower-cased.
struct Patterns {
  std::set<std::string> exact;   // delivered
  std::set<std::string> prefix;  // every local part starting with one is delivered
};

bool matches(const Patterns& p, std::string_view local) {
  if (p.exact.count(std::string(local))) return true;
  for (std::size_t k = 0; k <= local.size(); ++k)
    if (p.prefix.count(std::string(local.substr(0, k)))) return true;
  return false;
}

// What qmail-lspawn and qmail-getpw try before a given source of addresses.
struct Shadow {
  std::unordered_set<std::string> exact;  // users/assign =local entries
  std::unordered_set<std::string> wild;   // users/assign +prefix entries
  std::unordered_set<std::string> users;  // accounts qmail-getpw picks before the alias user

  // Whether a wildcard of at least `from` bytes is a prefix of `s`: the
  // longest wildcard wins, and any wildcard beats qmail-getpw.
  [[nodiscard]] bool wild_over(std::string_view s, std::size_t from) const {
    for (std::size_t k = from; k <= s.size(); ++k)
      if (wild.count(std::string(s.substr(0, k)))) return true;
    return false;
  }
  // Whether qmail-getpw gives `s` (exact) or every local part starting with
  // `s` (a prefix) to an account rather than to the alias user.
  [[nodiscard]] bool user_takes(std::string_view s, bool exact) const {
    for (std::size_t k = 1; k <= s.size() && k <= kMaxUserName; ++k) {
      bool cut = k < s.size() ? s[k] == '-' : exact;
      if (cut && users.count(std::string(s.substr(0, k)))) return true;
    }
    return false;
  }
};

// Where one source's patterns go, unless something tried earlier takes them.
struct Sink {
  Patterns& out;
  const Shadow* shadow = nullptr;  // nullptr: a =local entry, which comes first
  std::size_t wild_from = 0;       // wildcards this long or longer come first
  bool alias = false;              // the alias user: every account comes first

  void exact(std::string s) const {
    if (s.empty() || has_control(s)) return;  // an empty local part is never checked
    if (shadow && (shadow->exact.count(s) || shadow->wild_over(s, wild_from) ||
                   (alias && shadow->user_takes(s, true))))
      return;
    out.exact.insert(std::move(s));
  }
  void prefix(std::string s) const {
    if (has_control(s)) return;
    if (shadow && (shadow->wild_over(s, wild_from) || (alias && shadow->user_takes(s, false))))
      return;
    out.prefix.insert(std::move(s));
  }
};

// The spellings of an address part whose file-name form is `safe`; nullopt
// past kMaxColons.
std::optional<std::vector<std::string>> spellings(std::string_view safe) {
  std::vector<std::size_t> colons;
  for (std::size_t i = 0; i < safe.size(); ++i)
    if (safe[i] == ':') colons.push_back(i);
  if (colons.size() > kMaxColons) return std::nullopt;
  std::vector<std::string> out;
  for (unsigned mask = 0; mask < (1u << colons.size()); ++mask) {
    std::string s(safe);
    for (std::size_t j = 0; j < colons.size(); ++j)
      if ((mask >> j) & 1u) s[colons[j]] = '.';
    out.push_back(std::move(s));
  }
  return out;
}

void add_exact(const Sink& sink, std::string_view head, std::string_view safe_tail) {
  auto forms = spellings(safe_tail);
  if (!forms) {
    sink.prefix(std::string(head).append(safe_tail.substr(0, safe_tail.find(':'))));
    return;
  }
  for (const auto& f : *forms) sink.exact(std::string(head) + f);
}

void add_prefix(const Sink& sink, std::string_view head, std::string_view safe_tail) {
  auto forms = spellings(safe_tail);
  if (!forms) {
    sink.prefix(std::string(head).append(safe_tail.substr(0, safe_tail.find(':'))));
    return;
  }
  for (const auto& f : *forms) sink.prefix(std::string(head) + f);
}

// The local parts w + R that qmail-local delivers from `home` with `dash` and
// the extension pre + R: .qmail<dash><ext>, .qmail<dash><part>-default,
// .qmail<dash>default (dot-qmail(5)).  With an empty dash a missing file
// means the default delivery: every R.
void add_extensions(const Sink& sink, std::string_view w, std::string_view dash,
                    std::string_view pre, const Home* home) {
  if (dash.empty() || home == nullptr || !home->listed) {
    sink.prefix(std::string(w));
    return;
  }
  const std::string sp = parse::safe_extension(pre);
  const std::string base = ".qmail" + std::string(dash);
  for (const auto& name : home->dot_qmail) {
    if (!name.starts_with(base)) continue;
    std::string_view x = std::string_view(name).substr(base.size());
    // qmail-local lower-cases the extension and turns '.' into ':': a name
    // with either never matches.
    if (has_upper(x) || x.find('.') != std::string_view::npos) continue;
    if (x == kDefault) {
      sink.prefix(std::string(w));
    } else if (x.ends_with(kDashDefault)) {
      std::string_view y = x.substr(0, x.size() - kDefault.size());  // ends in '-'
      if (y.starts_with(sp))
        add_prefix(sink, w, y.substr(sp.size()));
      else if (std::string_view(sp).starts_with(y))
        sink.prefix(std::string(w));
    } else if (x.starts_with(sp)) {
      add_exact(sink, w, x.substr(sp.size()));
    }
  }
}

const Home* find_home(const std::map<std::string, Home>& homes, const std::string& dir) {
  auto it = homes.find(dir);
  return it == homes.end() ? nullptr : &it->second;
}

// A =local entry: delivered when its dash is empty or one of the files
// qmail-local would try exists.
void add_assigned(const Sink& sink, std::string local, const parse::UserEntry& e,
                  const Home* home) {
  if (e.dash.empty() || home == nullptr || !home->listed) {
    sink.exact(std::move(local));
    return;
  }
  for (const auto& c : parse::dot_qmail_candidates(e.dash, e.ext)) {
    if (std::binary_search(home->dot_qmail.begin(), home->dot_qmail.end(), c.name)) {
      sink.exact(std::move(local));
      return;
    }
  }
}

Shadow assignment_shadow(const Inputs& in) {
  Shadow sh;
  for (const auto& a : in.assignments)
    (a.wildcard ? sh.wild : sh.exact).insert(ascii_lower(a.local));
  return sh;
}

// The keys of one domain whose local parts become head + local.
void emit_domain(std::set<std::string>& keys, const std::string& domain, const std::string& head,
                 const Patterns& p) {
  keys.insert("@" + domain);
  for (auto it = p.exact.lower_bound(head); it != p.exact.end() && it->starts_with(head); ++it)
    if (it->size() > head.size()) keys.insert(":" + it->substr(head.size()) + "@" + domain);
  for (auto it = p.prefix.lower_bound(head); it != p.prefix.end() && it->starts_with(head); ++it)
    keys.insert("+" + it->substr(head.size()) + "@" + domain);
  for (std::size_t k = 0; k < head.size(); ++k) {
    if (p.prefix.count(head.substr(0, k))) {
      keys.insert("+@" + domain);
      break;
    }
  }
}

Patterns deliverable_locals(const Inputs& in) {
  std::map<std::string, Home> homes = in.homes;
  for (auto& [dir, h] : homes) std::sort(h.dot_qmail.begin(), h.dot_qmail.end());
  Shadow sh = assignment_shadow(in);
  Patterns pat;

  // users/assign: the first entry for a local part or prefix wins.  Never as
  // root: qmail-lspawn refuses those deliveries.
  std::unordered_set<std::string> seen_exact, seen_wild;
  for (const auto& a : in.assignments) {
    std::string key = ascii_lower(a.local);
    if (!(a.wildcard ? seen_wild : seen_exact).insert(key).second || a.entry.uid == 0) continue;
    const Home* home = find_home(homes, a.entry.home);
    if (a.wildcard)
      add_extensions(Sink{pat, &sh, key.size() + 1, false}, key, a.entry.dash, a.entry.ext, home);
    else
      add_assigned(Sink{pat, nullptr, 0, false}, key, a.entry, home);
  }
  if (sh.wild.count("")) return pat;  // a catch-all wildcard: qmail-getpw is never asked

  // qmail-getpw(8): an account that owns its home directory.
  std::vector<std::pair<const Account*, const Home*>> users;
  for (const Account* a : getpw_candidates(in)) {
    if (sh.wild_over(a->name, 0)) continue;
    const Home* home = find_home(homes, a->home);
    if (home && (home->missing || (home->owner && *home->owner != a->uid))) continue;
    users.emplace_back(a, home);
    sh.users.insert(a->name);
  }
  for (const auto& [a, home] : users) {
    Sink sink{pat, &sh, 0, false};
    sink.exact(a->name);  // the account's own address: dash and ext empty
    add_extensions(sink, a->name + "-", "-", "", home);
  }
  if (in.alias_home) {
    const Home* home = find_home(homes, *in.alias_home);
    add_extensions(Sink{pat, &sh, 0, true}, "", "-", "", home);
    // The postmaster of every domain, whatever else takes it (RFC 5321 4.5.1).
    if (home == nullptr || !home->listed ||
        std::binary_search(home->dot_qmail.begin(), home->dot_qmail.end(), ".qmail-postmaster"))
      pat.exact.insert("postmaster");
  }
  return pat;
}
}  // namespace

std::vector<const Account*> getpw_candidates(const Inputs& in) {
  std::unordered_set<std::string> seen;
  std::vector<const Account*> out;
  for (const auto& a : in.accounts) {
    if (!seen.insert(a.name).second) continue;  // getpwnam finds the first
    if (a.uid == 0 || a.name.empty() || a.name.size() > kMaxUserName || has_upper(a.name) ||
        has_control(a.name))
      continue;
    out.push_back(&a);
  }
  return out;
}

std::vector<std::string> homes_needed(const Inputs& in) {
  Shadow sh = assignment_shadow(in);
  std::set<std::string> dirs;
  for (const auto& a : in.assignments)
    if (a.entry.uid != 0 && !a.entry.dash.empty()) dirs.insert(a.entry.home);
  if (!sh.wild.count("")) {
    for (const Account* a : getpw_candidates(in))
      if (!sh.wild_over(a->name, 0)) dirs.insert(a->home);
    if (in.alias_home) dirs.insert(*in.alias_home);
  }
  return {dirs.begin(), dirs.end()};
}

std::vector<std::string> recipient_keys(const Inputs& in) {
  Patterns pat = deliverable_locals(in);
  std::set<std::string> keys;
  std::unordered_set<std::string> locals, percent;
  for (const auto& d : in.percenthack) percent.insert(ascii_lower(d));
  for (const auto& line : in.locals) {
    std::string d = ascii_lower(line);
    if (d.empty() || has_control(d) || percent.count(d) || !locals.insert(d).second) continue;
    emit_domain(keys, d, "", pat);  // qmail-send(8): locals come first
  }

  // virtualdomains: the first line for a key wins; a domain line with a
  // prefix makes its addresses prefix-local; "user@domain" lines override it.
  std::unordered_map<std::string, std::string> virt;
  std::vector<std::string> order;
  for (const auto& line : in.virtualdomains) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = ascii_lower(std::string_view(line).substr(0, colon));
    if (virt.emplace(key, ascii_lower(std::string_view(line).substr(colon + 1))).second)
      order.push_back(key);
  }
  std::unordered_set<std::string> covered;
  for (const auto& d : order) {
    const std::string& prefix = virt[d];
    // ".domain" and "" lines cover many domains and no single key can name
    // them: those domains are not checked.
    if (d.empty() || d[0] == '.' || d.find('@') != std::string::npos || has_control(d)) continue;
    if (locals.count(d) || percent.count(d) || prefix.empty()) continue;
    covered.insert(d);
    emit_domain(keys, d, prefix + "-", pat);
  }
  for (const auto& key : order) {
    auto at = key.rfind('@');
    if (at == std::string::npos || at == 0 || has_control(key)) continue;
    if (!covered.count(key.substr(at + 1))) continue;
    const std::string& prefix = virt[key];
    // An empty prefix sends the address to the remote channel: accept it.
    if (prefix.empty() || matches(pat, prefix + "-" + key.substr(0, at))) keys.insert(":" + key);
  }
  return {keys.begin(), keys.end()};
}

}  // namespace qmail::newrcpt
