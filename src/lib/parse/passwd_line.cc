#include "parse/passwd_line.h"

#include <array>
#include <limits>

#include "base/str.h"

namespace qmail::parse {

namespace {
Result<std::uint32_t> parse_id(std::string_view s, const char* what) {
  auto n = scan_u64(s);
  if (!n || *n > std::numeric_limits<std::uint32_t>::max())
    return perm_error(std::string(what) + " is not a number");
  return static_cast<std::uint32_t>(*n);
}
}  // namespace

Result<PasswdEntry> parse_passwd_line(std::string_view line) {
  if (line.size() > kMaxPasswdLine) return perm_error("line too long");
  if (line.find('\0') != std::string_view::npos) return perm_error("NUL byte");
  // The first six fields end at a colon; the shell takes the rest.
  std::array<std::string_view, 7> f;
  for (std::size_t i = 0; i < 6; ++i) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return perm_error("too few fields");
    f[i] = line.substr(0, colon);
    line.remove_prefix(colon + 1);
  }
  f[6] = line;
  if (f[0].empty()) return perm_error("empty user name");
  PasswdEntry e;
  auto uid = parse_id(f[2], "uid");
  if (!uid) return uid.error();
  auto gid = parse_id(f[3], "gid");
  if (!gid) return gid.error();
  e.user = f[0];
  e.password = f[1];
  e.uid = *uid;
  e.gid = *gid;
  e.gecos = f[4];
  e.home = f[5];
  e.shell = f[6];
  return e;
}

}  // namespace qmail::parse
