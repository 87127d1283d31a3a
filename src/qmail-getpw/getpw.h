// getpw.h: qmail-getpw(8), finding the passwd account that controls a local
// address.  Called by main.cc; run by qmail-lspawn as qmailp with the local
// part of a recipient, which comes from the network and is not trusted: it is
// only ever cut, lower-cased and handed to getpwnam.
#pragma once

#include <string>
#include <string_view>

namespace qmail::getpw {

/// Exit codes qmail-lspawn understands (qmail's qlx.h).
enum class GetpwExit : int {
  kOk = 0,
  kUsage = 100,    // no address given
  kNfs = 115,      // a home directory could not be looked at, temporarily
  kNoAlias = 116,  // no account matched and the alias user does not exist
  kSys = 118,      // getpwnam failed temporarily
  kNoMem = 119,
};

/// The longest account name looked up: qmail assumes names under 32 bytes.
inline constexpr std::size_t kMaxUserName = 31;

/// The six NUL-terminated fields for `local`, or an exit code on failure.
struct Answer {
  GetpwExit code = GetpwExit::kOk;
  std::string fields;  // user NUL uid NUL gid NUL homedir NUL dash NUL ext NUL
};
Answer find_user(std::string_view local);

/// qmail-getpw itself; returns the exit code.
int run(int argc, char** argv);

}  // namespace qmail::getpw
