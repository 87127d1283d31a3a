// keys.h: which addresses qmail would deliver, as the keys of
// control/recipients.cdb (the format is in control/recipients.h).  A pure
// function over what qmail-newrcpt gathered (newrcpt.cc): control files,
// users/assign, the passwd accounts and the .qmail file names in their homes.
// The unit tests call it with made-up inputs.  The inputs are the
// administrator's and the users' files, trusted to be what they are, but file
// names may hold any byte: keys with control characters are left out.
//
// It follows qmail's path for an address local@domain: qmail-send (locals,
// then virtualdomains, which make the local part prefix-local), qmail-lspawn
// (users/assign: exact entries, then the longest wildcard), qmail-getpw (an
// account named by the local part up to a '-', else the alias user), and
// qmail-local (.qmail-ext, .qmail-ext-default, .qmail-default).  Where it
// cannot express an exception to a prefix key, or could not read a home, it
// errs towards accepting.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parse/users_assign.h"

namespace qmail::newrcpt {

/// What qmail-newrcpt saw of one home directory.
struct Home {
  bool missing = false;                // stat said it does not exist
  std::optional<std::uint32_t> owner;  // nullopt: it could not be looked at
  bool listed = false;                 // false: assume every .qmail file exists
  /// Names starting with ".qmail" that qmail-local could open as regular files.
  std::vector<std::string> dot_qmail;
};

/// One passwd account, in the order getpwent gave them.
struct Account {
  std::string name;
  std::uint32_t uid = 0;
  std::string home;
};

struct Inputs {
  std::vector<std::string> locals;          // control/locals, or control/me
  std::vector<std::string> virtualdomains;  // lines "key:prefix"
  std::vector<std::string> percenthack;     // domains never checked
  /// users/assign when users/cdb is in use, else empty.
  std::vector<parse::Assignment> assignments;
  std::vector<Account> accounts;
  std::optional<std::string> alias_home;  // nullopt: there is no alias user
  std::map<std::string, Home> homes;      // by directory; absent ones count as unreadable
};

/// The accounts qmail-getpw could pick for some address that users/assign
/// leaves to it: first of each name, uid not 0, a lower-case name under 32
/// bytes.  Whether each owns its home is decided later, from `homes`.
std::vector<const Account*> getpw_candidates(const Inputs& in);

/// The home directories whose .qmail files matter, sorted, each once.
std::vector<std::string> homes_needed(const Inputs& in);

/// Every key of control/recipients.cdb, sorted, each once.
std::vector<std::string> recipient_keys(const Inputs& in);

}  // namespace qmail::newrcpt
