// pw2u.h: building a users/assign file from a passwd file (qmail-pw2u(8)).
// Called by main.cc as the administrator; the passwd file comes on stdin and
// the rules from <home>/users/{include,exclude,mailnames,subusers,append},
// all trusted as the administrator's, but read with limits.  The pure parts
// (option parsing, the choice of accounts, the assign lines) are here for
// the tests; run_in() does the I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "control/control.h"
#include "parse/passwd_line.h"

namespace qmail::pw2u {

/// What to do about a user's home directory.
enum class HomeCheck {
  kSkipMissing,  // -o (default): skip the user when home is missing or not theirs
  kStopMissing,  // -h: stop when home is missing; skip it when not theirs
  kNone,         // -H: do not look at home
};

struct Options {
  HomeCheck home = HomeCheck::kSkipMissing;
  bool allow_upper = false;  // -u allows, -U (default) skips names with capitals
  char brk = '-';            // -cX: extension delimiter; -C (or -c "") sets 0: none
  bool slash = false;        // -/: .qmail-/... instead of .qmail-...
};

/// Parses getopt-style options "/ohHuUc:C"; a permanent error for anything else.
Result<Options> parse_args(const std::vector<std::string>& args);

/// The administrator's rules from the users/ directory.
struct Rules {
  std::optional<control::StringSet> include;  // users/include, when it exists
  std::optional<control::StringSet> exclude;  // users/exclude, when it exists
  // users/mailnames: lower-cased user -> "name1:name2:..."
  std::unordered_map<std::string, std::string> mailnames;
};

/// Fills rules.mailnames from the lines of users/mailnames ("user:name:...").
void add_mailnames(Rules& rules, const std::vector<std::string>& lines);

/// Whether the account is wanted, before its home is looked at: a nonzero
/// uid, no capitals unless allowed, listed in include, not listed in exclude.
bool wanted(const parse::PasswdEntry& e, const Options& opts, const Rules& rules);

/// ":user:uid:gid:home:", the part every assign line of the account shares.
std::string account_fields(const parse::PasswdEntry& e);

/// The assign lines for a wanted account: the catch-all line first when the
/// user is `alias_user`, then "=name" and "+name-" for each mail name.
std::string account_lines(const parse::PasswdEntry& e, const Options& opts, const Rules& rules,
                          std::string_view alias_user);

/// The lines for one users/subusers line "sub:user:pre:".  `accounts` maps
/// lower-cased user names to account_fields().  Malformed lines give "";
/// an unknown user is a permanent error.
Result<std::string> subuser_lines(std::string_view line,
                                  const std::unordered_map<std::string, std::string>& accounts,
                                  const Options& opts);

/// The program with its qmail home and descriptors given (tests use a
/// temporary home).  Returns the exit code: 0, 100 usage, 111 trouble.
int run_in(const std::vector<std::string>& args, const std::string& home, int in_fd, int out_fd);

/// The program: run_in() with the compiled-in home, stdin and stdout.
int run(int argc, char** argv);

}  // namespace qmail::pw2u
