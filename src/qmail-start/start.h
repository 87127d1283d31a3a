// start.h: qmail-start's work (qmail-start(8)): start the logger, qmail-lspawn,
// qmail-rspawn and qmail-clean under their own ids, joined by pipes to this
// process, which then becomes qmail-send.  The descriptor layout is HACKING.md's
// "qmail-start's descriptors for qmail-send".  main() calls run(); tests call
// start() with fake programs and their own ids.  argv comes from the boot script
// (trusted as the administrator who wrote it) and is passed on, never parsed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace qmail::start {

/// The ids each daemon runs under.  qmail-lspawn keeps qmail-start's uid (root).
struct Ids {
  uid_t qmaill = 0;  // the logger, with group nofiles
  uid_t qmailq = 0;  // qmail-clean
  uid_t qmailr = 0;  // qmail-rspawn
  uid_t qmails = 0;  // qmail-send
  gid_t qmail = 0;   // the group of every daemon but the logger
  gid_t nofiles = 0;
};

struct Plan {
  std::string bindir;                          // where qmail-send and the others are
  std::string default_delivery = "./Mailbox";  // qmail-lspawn's argv[1]
  std::vector<std::string> logger;             // empty: the log goes to our stdout
  Ids ids;
};

/// `qmail-start [defaultdelivery [logger arg ...]]`: argv[1] and the rest.
Plan plan_from_args(int argc, char** argv, std::string bindir, const Ids& ids);

/// Starts the daemons and execs qmail-send in this process.  Returns only on
/// failure, always a temporary error (qmail-start exits 111); daemons already
/// started see their pipes close and exit.
Error start(const Plan& plan);

/// The program: chdir to the home, look up the ids, start().  Returns the exit code.
int run(int argc, char** argv);

}  // namespace qmail::start
