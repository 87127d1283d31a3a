#include "parse/users_assign.h"

#include <limits>

#include "base/str.h"

namespace qmail::parse {

namespace {
constexpr int kFields = 6;  // user uid gid homedir dash ext

Error line_error(std::size_t lineno, std::string_view what) {
  return perm_error("line " + fmt_u64(lineno) + ": " + std::string(what));
}

std::optional<std::uint32_t> scan_id(std::string_view s) {
  auto n = scan_u64(s);
  if (!n || *n > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

// Splits `s` at its first six separators into `out`; returns the number of
// fields found (the sixth ends at the sixth separator, or at the end of `s`
// when `last_open` allows that).
int split_fields(std::string_view s, char sep, bool last_open, std::string_view (&out)[kFields]) {
  int n = 0;
  while (n < kFields) {
    auto at = s.find(sep);
    if (at == std::string_view::npos) {
      if (last_open && n == kFields - 1) out[n++] = s;
      break;
    }
    out[n++] = s.substr(0, at);
    s.remove_prefix(at + 1);
  }
  return n;
}

// Checks and converts the six fields; `why` gets what was wrong.
std::optional<UserEntry> make_entry(std::string_view (&f)[kFields], const char*& why) {
  UserEntry e;
  auto uid = scan_id(f[1]);
  auto gid = scan_id(f[2]);
  if (f[0].empty()) {
    why = "empty user name";
  } else if (!uid) {
    why = "uid is not a number";
  } else if (!gid) {
    why = "gid is not a number";
  } else if (f[3].empty()) {
    why = "empty home directory";
  } else {
    e.user = f[0];
    e.uid = *uid;
    e.gid = *gid;
    e.home = f[3];
    e.dash = f[4];
    e.ext = f[5];
    return e;
  }
  return std::nullopt;
}

void append_fields(std::string& out, const UserEntry& e) {
  const std::string fields[] = {e.user, fmt_u64(e.uid), fmt_u64(e.gid), e.home, e.dash};
  for (const auto& f : fields) {
    out.append(f);
    out.push_back('\0');
  }
  out.append(e.ext);  // the last field has no NUL after it
}
}  // namespace

Result<std::vector<Assignment>> parse_users_assign(std::string_view text) {
  if (text.size() > kMaxUsersAssignSize) return perm_error("users/assign is too large");
  std::vector<Assignment> out;
  std::size_t lineno = 0;
  while (!text.empty()) {
    ++lineno;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (line.size() > kMaxUsersAssignLine) return line_error(lineno, "line too long");
    if (!line.empty() && line.front() == '.') return out;  // the end, as qmail-newu
    if (nl == std::string_view::npos) return line_error(lineno, "no newline at end of line");
    text.remove_prefix(nl + 1);
    if (line.find('\0') != std::string_view::npos) return line_error(lineno, "NUL in line");
    if (line.empty() || (line.front() != '=' && line.front() != '+'))
      return line_error(lineno, "line does not start with = or +");
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return line_error(lineno, "missing colon");
    Assignment a;
    a.wildcard = line.front() == '+';
    a.local = line.substr(1, colon - 1);
    std::string_view fields[kFields];
    if (split_fields(line.substr(colon + 1), ':', false, fields) < kFields)
      return line_error(lineno, "fewer than seven colons");
    const char* why = "";
    auto e = make_entry(fields, why);
    if (!e) return line_error(lineno, why);
    a.entry = std::move(*e);
    out.push_back(std::move(a));
  }
  return perm_error("missing final line with a single dot");
}

std::vector<CdbRecord> users_cdb_records(const std::vector<Assignment>& assignments) {
  std::vector<CdbRecord> out;
  out.reserve(assignments.size() + 1);
  std::string wildchars;
  for (const auto& a : assignments) {
    CdbRecord r;
    r.key = "!" + ascii_lower(a.local);
    if (a.wildcard) {
      if (!a.local.empty() && wildchars.find(r.key.back()) == std::string::npos)
        wildchars.push_back(r.key.back());
    } else {
      r.key.push_back('\0');
    }
    append_fields(r.value, a.entry);
    out.push_back(std::move(r));
  }
  out.push_back({"", wildchars});
  return out;
}

Result<UserEntry> parse_user_fields(std::string_view value) {
  if (value.size() > kMaxUsersValue) return perm_error("user entry too long");
  std::string_view fields[kFields];
  if (split_fields(value, '\0', true, fields) < kFields)
    return perm_error("user entry has fewer than six fields");
  const char* why = "";
  auto e = make_entry(fields, why);
  if (!e) return perm_error(std::string("user entry: ") + why);
  return std::move(*e);
}

Result<std::optional<UserEntry>> lookup_users_cdb(std::string_view local,
                                                  const UsersCdbFetch& fetch) {
  using Found = std::optional<UserEntry>;
  std::string key = "!" + ascii_lower(local);
  key.push_back('\0');
  auto exact = fetch(key);
  if (!exact) return exact.error();
  if (*exact) {
    auto e = parse_user_fields(**exact);
    if (!e) return e.error();
    return Found{std::move(*e)};
  }
  key.pop_back();
  auto wild = fetch("");
  if (!wild) return wild.error();
  if (!*wild) return perm_error("users/cdb has no list of wildcard characters");
  std::string wildchars = ascii_lower(**wild);
  // Longest prefix first: "!local", "!loca", ... "!" (the catch-all).  Only a
  // prefix ending in a character some wildcard ends in can match.
  for (std::size_t n = local.size() + 1; n-- > 0;) {
    if (n > 0 && wildchars.find(key[n]) == std::string::npos) continue;
    auto v = fetch(std::string_view(key).substr(0, n + 1));
    if (!v) return v.error();
    if (!*v) continue;
    auto e = parse_user_fields(**v);
    if (!e) return e.error();
    e->ext.append(local.substr(n));
    return Found{std::move(*e)};
  }
  return Found{};
}

}  // namespace qmail::parse
