// priv.h: giving up privileges for good, and finding the qmail users' ids.
// uids are looked up by the names configure recorded, at run time.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"

namespace qmail::sys {

/// setgroups to just `gid`, setgid, setuid, then checks that root cannot be regained.
/// When not running as root, succeeds only if already running as `uid`/`gid`'s user.
Status drop_privileges(uid_t uid, gid_t gid);

struct Account {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

/// getpwnam; a permanent error when the user does not exist.
Result<Account> lookup_user(const std::string& name);
/// getgrnam; a permanent error when the group does not exist.
Result<gid_t> lookup_group(const std::string& name);

/// The ids of qmail's users and groups, named by configure.
struct QmailIds {
  uid_t alias, qmaild, qmaill, root, qmailp, qmailq, qmailr, qmails;
  gid_t qmail, nofiles;
};
Result<QmailIds> lookup_qmail_ids();

}  // namespace qmail::sys
