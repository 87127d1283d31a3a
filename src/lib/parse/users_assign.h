// users_assign.h: qmail-users(5).  Parses users/assign (for qmail-newu), lays
// its assignments out as users/cdb records, and reads those records back (for
// qmail-lspawn, which also reads qmail-getpw's answer in the same layout).
//
// users/assign is written by the administrator (or qmail-pw2u) and users/cdb
// may come from any cdb tool, so both are parsed as untrusted bytes: pure
// functions, explicit limits, an error that names the line.
//
// The users/cdb layout is qmail's:
//   "!" local NUL      simple assignment   =local:user:uid:gid:homedir:dash:ext:
//   "!" prefix         wildcard assignment +prefix:user:uid:gid:homedir:dash:pre:
//   ""                 the last characters of all non-empty wildcard prefixes
// keys lower-cased, values "user NUL uid NUL gid NUL homedir NUL dash NUL ext".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::parse {

/// Longest users/assign line we take (qmail-users(5) sets none; lines are an
/// account name, two numbers, a directory and an extension).
inline constexpr std::size_t kMaxUsersAssignLine = 64 * 1024;
/// Largest users/assign we take: a few hundred thousand accounts.
inline constexpr std::size_t kMaxUsersAssignSize = 64 * 1024 * 1024;
/// Longest users/cdb value or qmail-getpw answer we read back.
inline constexpr std::size_t kMaxUsersValue = 16 * 1024;

/// Who gets the mail for an address, and which .qmail file controls it:
/// homedir/.qmail<dash><ext>.
struct UserEntry {
  std::string user;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string home;
  std::string dash;
  std::string ext;
};

struct Assignment {
  bool wildcard = false;  // a '+' line: `local` is a prefix, `entry.ext` a prepended part
  std::string local;      // as written; keys are lower-cased
  UserEntry entry;
};

/// Parses users/assign up to its "." line.  A permanent error naming the line
/// for anything else than "=" or "+" lines, a missing field, a NUL, a bad
/// number, an over-long line, or a missing "." line.  Text after the seventh
/// colon of a line is ignored, as qmail-newu does.
Result<std::vector<Assignment>> parse_users_assign(std::string_view text);

struct CdbRecord {
  std::string key;
  std::string value;
};
/// The users/cdb records for `assignments`, in file order (so the first
/// assignment of a duplicate address wins), then the "" record.
std::vector<CdbRecord> users_cdb_records(const std::vector<Assignment>& assignments);

/// Reads "user NUL uid NUL gid NUL homedir NUL dash NUL ext", the ext ending at
/// a NUL or at the end (a users/cdb value, or qmail-getpw's output); anything
/// after the NUL that ends ext is ignored.  A permanent error
/// for missing fields, non-numeric ids, an empty user or homedir.
Result<UserEntry> parse_user_fields(std::string_view value);

/// Fetches the value of a users/cdb key, nullopt when absent.
using UsersCdbFetch = std::function<Result<std::optional<std::string>>(std::string_view key)>;

/// Finds the assignment for `local` (any case) as qmail-lspawn does: the simple
/// assignment first, then the longest matching wildcard prefix, whose ext gets
/// the rest of `local` appended.  nullopt when none applies.  Errors from
/// `fetch`, a missing "" record and bad values are passed on.
Result<std::optional<UserEntry>> lookup_users_cdb(std::string_view local,
                                                  const UsersCdbFetch& fetch);

}  // namespace qmail::parse
