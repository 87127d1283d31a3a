// passwd_line.h: parsing one line of a V7-format passwd file (passwd(5)),
// "user:password:uid:gid:gecos:home:shell".  Called by qmail-pw2u on its
// standard input, which the administrator supplies: trusted not to be
// hostile, but a malformed line is rejected, never half-used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace qmail::parse {

/// passwd(5) sets no limit on a line; this bounds the memory one line takes.
inline constexpr std::size_t kMaxPasswdLine = 64 * 1024;

struct PasswdEntry {
  std::string user;
  std::string password;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string gecos;
  std::string home;
  std::string shell;  // everything after the sixth colon
};

/// Parses one line without its newline.  A permanent error when the line is
/// longer than kMaxPasswdLine, holds a NUL, has fewer than seven fields, has
/// an empty user name, or a uid or gid that is not a decimal number below 2^32.
Result<PasswdEntry> parse_passwd_line(std::string_view line);

}  // namespace qmail::parse
