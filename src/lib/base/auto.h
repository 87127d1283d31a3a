// auto.h: what configure chose (qmail's auto_*): the home directory, the user
// and group names, the queue split, the spawn limit and conf-patrn.  Names only: uids are
// looked up at run time (sys/users.h), never compiled in.
#pragma once

#include "config.h"

namespace qmail::autoconf {

inline constexpr const char* kHome = QMAIL_HOME;
inline constexpr unsigned kSplit = QMAIL_SPLIT;
inline constexpr unsigned kSpawn = QMAIL_SPAWN;
/// Mode bits that make a home directory or .qmail file unsafe (conf-patrn).
inline constexpr unsigned kPatrn = QMAIL_PATRN;

inline constexpr const char* kUserAlias = QMAIL_USER_ALIAS;
inline constexpr const char* kUserQmaild = QMAIL_USER_QMAILD;
inline constexpr const char* kUserQmaill = QMAIL_USER_QMAILL;
inline constexpr const char* kUserRoot = QMAIL_USER_ROOT;
inline constexpr const char* kUserQmailp = QMAIL_USER_QMAILP;
inline constexpr const char* kUserQmailq = QMAIL_USER_QMAILQ;
inline constexpr const char* kUserQmailr = QMAIL_USER_QMAILR;
inline constexpr const char* kUserQmails = QMAIL_USER_QMAILS;
inline constexpr const char* kGroupQmail = QMAIL_GROUP_QMAIL;
inline constexpr const char* kGroupNofiles = QMAIL_GROUP_NOFILES;

}  // namespace qmail::autoconf
