// rcpt_check.h: recipient checking at RCPT time, so that mail for an unknown
// local user gets 550 instead of a later bounce.  Two sources, both off unless
// configured: control/recipients.cdb (built by qmail-newrcpt) and an external
// program named by $RCPTCHECK or control/rcptcheck, for sites that keep their
// users elsewhere.  The address is the one the client sent, already accepted
// by policy.h.
#pragma once

#include <string_view>

#include "settings.h"

namespace qmail::smtpd {

enum class RcptVerdict { kAccept, kUnknown, kTemporary };

/// The cdb first: an address in a covered domain that is not listed is
/// kUnknown.  Then the program, run as `program [args] recipient` with
/// SENDER and RECIPIENT in its environment: exit 0 accepts, 100 refuses
/// (550), anything else, a crash or running over 60 seconds is kTemporary
/// (451).  A broken cdb is kTemporary too: never accept or refuse blindly.
RcptVerdict check_recipient(const Config& cfg, std::string_view sender, std::string_view address);

}  // namespace qmail::smtpd
