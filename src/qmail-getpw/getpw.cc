#include "getpw.h"

#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>

#include "base/auto.h"
#include "base/str.h"
#include "io/writer.h"

namespace qmail::getpw {

namespace {
constexpr char kBreak = '-';  // separates a user name from its extension

// Errors after which looking again later may well succeed.
bool temporary_errno(int e) {
  switch (e) {
    case EINTR:
    case ENOMEM:
    case ETXTBSY:
    case EIO:
    case ETIMEDOUT:
    case EAGAIN:
    case ENFILE:
    case EMFILE:
    case ESTALE:
    case ENOLCK:
      return true;
    default:
      return false;
  }
}

std::string fields_of(const struct passwd* pw, std::string_view dash, std::string_view ext) {
  std::string out = pw->pw_name;
  out.push_back('\0');
  out += fmt_u64(pw->pw_uid);
  out.push_back('\0');
  out += fmt_u64(pw->pw_gid);
  out.push_back('\0');
  out += pw->pw_dir;
  out.push_back('\0');
  out += dash;
  out.push_back('\0');
  out += ext;
  out.push_back('\0');
  return out;
}
}  // namespace

Answer find_user(std::string_view local) {
  // Longest candidate first: "joe-list-x" tries "joe-list-x", "joe-list", "joe".
  for (std::size_t pos = local.size(); pos > 0; --pos) {
    if (pos > kMaxUserName) continue;
    if (pos != local.size() && local[pos] != kBreak) continue;
    std::string name = ascii_lower(local.substr(0, pos));
    errno = 0;
    struct passwd* pw = ::getpwnam(name.c_str());
    if (!pw) {
      if (temporary_errno(errno)) return {GetpwExit::kSys, {}};
      continue;
    }
    if (pw->pw_uid == 0) continue;  // root never gets mail as a user
    struct stat st;
    if (::stat(pw->pw_dir, &st) == -1) {
      if (temporary_errno(errno)) return {GetpwExit::kNfs, {}};
      continue;
    }
    if (st.st_uid != pw->pw_uid) continue;  // not the owner of its home: not a user
    if (pos == local.size()) return {GetpwExit::kOk, fields_of(pw, "", "")};
    return {GetpwExit::kOk, fields_of(pw, "-", local.substr(pos + 1))};
  }
  errno = 0;
  struct passwd* alias = ::getpwnam(autoconf::kUserAlias);
  if (!alias) return {temporary_errno(errno) ? GetpwExit::kSys : GetpwExit::kNoAlias, {}};
  return {GetpwExit::kOk, fields_of(alias, "-", local)};
}

int run(int argc, char** argv) {
  if (argc < 2 || !argv[1]) return static_cast<int>(GetpwExit::kUsage);
  Answer a = find_user(argv[1]);
  if (a.code != GetpwExit::kOk) return static_cast<int>(a.code);  // nothing printed
  if (!io::write_all(1, a.fields)) return static_cast<int>(GetpwExit::kSys);
  return 0;
}

}  // namespace qmail::getpw
