// retry.h: qmail's retry schedule.  A message born at time B is tried on the
// local channel at B, B+100, B+400, B+900 ... seconds ((10n)^2) and on the
// remote channel at B, B+400, B+1600, B+3600 ... ((20n)^2), so a recipient that
// is down long is tried rarely.  Pure functions.
#pragma once

#include <ctime>

#include "qmail-send/rewrite.h"

namespace qmail::send {

/// The step of the schedule: 10 seconds' root for local, 20 for remote.
int retry_step(Channel c);

/// The first scheduled time strictly after `now` for a message born at `birth`.
std::time_t next_retry(std::time_t birth, std::time_t now, Channel c);

/// True when a temporary failure must now be treated as permanent.
bool past_lifetime(std::time_t birth, std::time_t now, std::time_t lifetime);

}  // namespace qmail::send
