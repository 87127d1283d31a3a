// checkpassword.h: running a checkpassword program (the interface of
// DJB's checkpassword, used by qmail-popup and SMTP AUTH patches alike).  The
// program gets "user\0secret\0extra\0" on descriptor 3 and exits 0 when the
// credentials are good, 1 when they are not, 111 (or anything else) on
// trouble.  For SMTP AUTH the program named on qmail-smtpd's command line is
// started with its arguments; the "subprogram" convention (exec of argv[1..]
// on success) is not used by qmail-smtpd, which passes `true` or a similar
// program there, as qmail's AUTH patches do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::sys {

enum class CheckResult { kAccepted, kRejected, kTemporary };

/// Runs `argv` (argv[0] a path) with the three fields on fd 3, waits at most
/// `timeout_seconds` for it (then kills it: kTemporary), and maps its exit:
/// 0 kAccepted, 1 and 100 kRejected, anything else (crash included) kTemporary.
/// Its stdin is /dev/null; stdout and stderr are those of the caller's stderr
/// so that nothing it prints can reach the SMTP client.  `env` entries
/// ("NAME=value") are added to its environment.
Result<CheckResult> run_checkpassword(const std::vector<std::string>& argv, std::string_view user,
                                      std::string_view secret, std::string_view extra,
                                      unsigned timeout_seconds,
                                      const std::vector<std::string>& env = {});

}  // namespace qmail::sys
