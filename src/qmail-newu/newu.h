// newu.h: qmail-newu(8), turning users/assign into users/cdb.  Called by
// main.cc (run) and by the unit tests (build_users_cdb).  users/assign is the
// administrator's file, parsed by parse/users_assign.h with its limits.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace qmail::newu {

/// The users/cdb bytes for the users/assign text; a permanent error naming the
/// offending line when the text is not valid.
Result<std::string> build_users_cdb(std::string_view assign);

/// qmail-newu itself: in the qmail home, users/assign to users/cdb.  Returns the
/// exit code (0, or 111 after a one-line diagnostic on stderr).
int run();

}  // namespace qmail::newu
