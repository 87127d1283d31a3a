// bounce.h: turning bounce/N into a bounce message and handing it to
// qmail-queue (qmail-send(8): single bounce to the sender, double bounce to
// doublebounceto, triple bounces discarded), then removing bounce/N.
// Called by the scheduler from the queue directory; bounce/N and the message
// are queue files (trusted format, untrusted content).
#pragma once

#include <cstdint>
#include <ctime>

#include "base/result.h"
#include "qmail-send/log.h"
#include "qmail-send/settings.h"

namespace qmail::send {

/// Sends the bounce of message `id` when bounce/N exists; removes bounce/N once
/// the bounce is queued or discarded.  Success also when there was nothing to
/// send.  A temporary error (logged by the caller) means: try again later.
Status send_bounce(const Config& config, const Log& log, std::uint64_t id, std::time_t now);

}  // namespace qmail::send
