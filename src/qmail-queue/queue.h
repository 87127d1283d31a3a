// queue.h: qmail-queue's logic, apart from main() so that tests can run it
// on a queue tree of their own.  main() calls run(); tests call
// queue_message() with a temporary queue directory and descriptors of their
// own.  Trust: the message (fd 0) and the envelope (fd 1) come from any
// local user; nothing else of the caller's is looked at, not even the
// environment, since qmail-queue runs setuid qmailq.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>

#include "base/exit_code.h"

namespace qmail::queue {

/// Who is queueing, for the Received line and the u and p records.
struct Caller {
  uid_t uid = 0;  // the real uid of the process that ran qmail-queue
  pid_t pid = 0;  // qmail-queue's own pid
  std::time_t now = 0;
  // uids of the alias, qmaild and qmails users, when those users exist
  std::optional<uid_t> alias, qmaild, qmails;
};

/// "Received: (qmail PID invoked by uid UID); DATE\n", with "by alias",
/// "from network" or "for bounce" instead of "by uid UID" when the caller's
/// uid is that of alias, qmaild or qmails (checked in that order).
std::string received_line(const Caller& caller);

/// Queues one message: copies it from `message_fd` into mess/S/N behind its
/// Received line, reads the envelope from `envelope_fd` into intd/N, makes
/// both durable, links intd/N to todo/N and pulls the trigger.  `queue_dir`
/// holds pid/ mess/ intd/ todo/ lock/ ("." for the current directory).
/// Returns the qmail-queue(8) exit code; on failure before todo/N exists,
/// the files this call made are gone again.
QueueExit queue_message(const std::string& queue_dir, const Caller& caller, int message_fd,
                        int envelope_fd);

/// The whole program: signals, umask, the 24-hour alarm, chdir to
/// <home>/queue, then queue_message() on fds 0 and 1.
QueueExit run();

}  // namespace qmail::queue
