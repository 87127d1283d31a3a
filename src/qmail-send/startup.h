// startup.h: what qmail-send finds in the queue when it starts: messages
// already preprocessed (info/), their pending channels (local/, remote/) and
// bounces (bounce/), and half-queued messages to remove.  Each message costs a
// few stats, nothing that grows with the rest of the queue (DESIGN §7).
#pragma once

#include <ctime>

#include "qmail-send/log.h"
#include "qmail-send/peers.h"
#include "qmail-send/scheduler.h"

namespace qmail::send {

/// Hands every preprocessed message to `sched`: each channel file is due at its
/// mtime (where the last qmail-send recorded the next retry), and a message
/// with no channel left or a bounce pending gets a check.  Messages whose
/// todo/N still exists are left to preprocessing.  False when a directory
/// stayed unreadable.
bool load_queue(Scheduler& sched, const Log& log, std::time_t now);

/// Removes, through qmail-clean, each mess/ file with neither info/ nor todo/
/// that is older than 36 hours: what a qmail-queue that crashed left behind.
/// False when qmail-clean is gone.
bool remove_half_queued(Cleaner& clean, const Log& log, std::time_t now);

}  // namespace qmail::send
