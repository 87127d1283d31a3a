#include "pw2u.h"

#include "base/str.h"

namespace qmail::pw2u {

namespace {
// The dash and the start of the extension in "+" lines: .qmail-ext, or with
// -/ .qmail-/ext.
std::string_view dash(const Options& opts) { return opts.slash ? "-/:" : "-:"; }
}  // namespace

Result<Options> parse_args(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") {
      if (i + 1 != args.size()) return perm_error("unexpected argument");
      break;
    }
    if (a.size() < 2 || a[0] != '-') return perm_error("unexpected argument");
    for (std::size_t j = 1; j < a.size(); ++j) {
      switch (a[j]) {
        case '/':
          o.slash = true;
          break;
        case 'o':
          o.home = HomeCheck::kSkipMissing;
          break;
        case 'h':
          o.home = HomeCheck::kStopMissing;
          break;
        case 'H':
          o.home = HomeCheck::kNone;
          break;
        case 'u':
          o.allow_upper = true;
          break;
        case 'U':
          o.allow_upper = false;
          break;
        case 'C':
          o.brk = '\0';
          break;
        case 'c': {
          // The delimiter is the rest of this argument or the next one.
          std::string_view arg = a.substr(j + 1);
          if (arg.empty()) {
            if (++i == args.size()) return perm_error("option -c needs a character");
            arg = args[i];
          }
          o.brk = arg.empty() ? '\0' : arg[0];
          j = a.size();
          break;
        }
        default:
          return perm_error(std::string("unknown option -") + a[j]);
      }
    }
  }
  return o;
}

void add_mailnames(Rules& rules, const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    // The first line for a user wins, as a lookup of the file would find it.
    rules.mailnames.emplace(ascii_lower(std::string_view(line).substr(0, colon)),
                            line.substr(colon + 1));
  }
}

bool wanted(const parse::PasswdEntry& e, const Options& opts, const Rules& rules) {
  if (e.uid == 0) return false;  // root's mail goes to an alias, never to root
  if (!opts.allow_upper) {
    for (char c : e.user)
      if (c >= 'A' && c <= 'Z') return false;
  }
  if (rules.include && !rules.include->contains(e.user)) return false;
  if (rules.exclude && rules.exclude->contains(e.user)) return false;
  return true;
}

std::string account_fields(const parse::PasswdEntry& e) {
  return ":" + e.user + ":" + fmt_u64(e.uid) + ":" + fmt_u64(e.gid) + ":" + e.home + ":";
}

std::string account_lines(const parse::PasswdEntry& e, const Options& opts, const Rules& rules,
                          std::string_view alias_user) {
  std::string fields = account_fields(e);
  std::string out;
  if (e.user == alias_user) {
    // The catch-all: every address no other line claims.
    out += "+" + fields;
    out += dash(opts);
    out += ":\n";
  }
  std::string_view names = e.user;
  if (auto it = rules.mailnames.find(ascii_lower(e.user)); it != rules.mailnames.end())
    names = it->second;
  while (!names.empty()) {
    auto colon = names.find(':');
    std::string_view name = names.substr(0, colon);
    names = colon == std::string_view::npos ? std::string_view{} : names.substr(colon + 1);
    if (name.empty()) continue;
    out += "=";
    out += name;
    out += fields + "::\n";
    if (opts.brk) {
      out += "+";
      out += name;
      out += opts.brk;
      out += fields;
      out += dash(opts);
      out += ":\n";
    }
  }
  return out;
}

Result<std::string> subuser_lines(std::string_view line,
                                  const std::unordered_map<std::string, std::string>& accounts,
                                  const Options& opts) {
  // sub:user:pre:  (anything after the third colon is ignored)
  std::string_view f[3];
  for (auto& field : f) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return std::string{};
    field = line.substr(0, colon);
    line.remove_prefix(colon + 1);
  }
  auto it = accounts.find(ascii_lower(f[1]));
  if (it == accounts.end())
    return perm_error("unable to find " + std::string(f[1]) + " user for subuser");
  std::string out = "=";
  out += f[0];
  out += it->second;
  out += dash(opts);
  out += f[2];
  out += ":\n";
  if (opts.brk) {
    out += "+";
    out += f[0];
    out += opts.brk;
    out += it->second;
    out += dash(opts);
    out += f[2];
    out += "-:\n";
  }
  return out;
}

}  // namespace qmail::pw2u
