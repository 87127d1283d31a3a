#include "sys/priv.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "base/auto.h"

namespace qmail::sys {

Status drop_privileges(uid_t uid, gid_t gid) {
  if (::geteuid() != 0) {
    if (::geteuid() == uid && ::getuid() == uid) return {};
    return perm_error("not running as root, cannot switch to uid " + std::to_string(uid));
  }
  if (::setgroups(1, &gid) == -1) return sys_error("unable to setgroups");
  if (::setgid(gid) == -1) return sys_error("unable to setgid");
  if (::setuid(uid) == -1) return sys_error("unable to setuid");
  if (uid != 0 && (::setuid(0) == 0 || ::geteuid() == 0))
    return Error{ErrorKind::kBug, 0, "root privileges not dropped"};
  return {};
}

Result<Account> lookup_user(const std::string& name) {
  errno = 0;
  struct passwd* pw = ::getpwnam(name.c_str());
  if (!pw) {
    if (errno != 0 && errno != ENOENT && errno != ESRCH)
      return sys_error("unable to look up user " + name);
    return perm_error("no such user " + name);
  }
  return Account{pw->pw_uid, pw->pw_gid, pw->pw_dir};
}

Result<gid_t> lookup_group(const std::string& name) {
  errno = 0;
  struct group* gr = ::getgrnam(name.c_str());
  if (!gr) {
    if (errno != 0 && errno != ENOENT && errno != ESRCH)
      return sys_error("unable to look up group " + name);
    return perm_error("no such group " + name);
  }
  return gr->gr_gid;
}

Result<QmailIds> lookup_qmail_ids() {
  QmailIds ids{};
  struct {
    const char* name;
    uid_t* out;
  } users[] = {{autoconf::kUserAlias, &ids.alias},   {autoconf::kUserQmaild, &ids.qmaild},
               {autoconf::kUserQmaill, &ids.qmaill}, {autoconf::kUserRoot, &ids.root},
               {autoconf::kUserQmailp, &ids.qmailp}, {autoconf::kUserQmailq, &ids.qmailq},
               {autoconf::kUserQmailr, &ids.qmailr}, {autoconf::kUserQmails, &ids.qmails}};
  for (auto& u : users) {
    auto a = lookup_user(u.name);
    if (!a) return a.error();
    *u.out = a->uid;
  }
  auto g = lookup_group(autoconf::kGroupQmail);
  if (!g) return g.error();
  ids.qmail = *g;
  auto n = lookup_group(autoconf::kGroupNofiles);
  if (!n) return n.error();
  ids.nofiles = *n;
  return ids;
}

}  // namespace qmail::sys
