// lspawn.h: qmail-lspawn(8), the local half of qmail-send's deliveries.  main.cc
// calls run(); the unit tests call local_report().  Requests come from
// qmail-send (trusted to speak the protocol); the recipient's local part came
// from the network and is only used as a lookup key and as qmail-local's argument.
// users/cdb is read as untrusted bytes (parse/users_assign.h, control/cdb.h).
#pragma once

#include <string>
#include <string_view>

#include "queue/spawn.h"
#include "sys/priv.h"
#include "sys/process.h"

namespace qmail::lspawn {

/// The report for a qmail-local that ended with `status` after printing
/// `text`: K for exit 0, Z for 111 and the temporary codes 71, 74 and 75 (and
/// for a crash), D for 100 and anything else, as qmail-lspawn does.
std::string local_report(const sys::ExitStatus& status, std::string_view text);

struct Settings {
  std::string default_delivery;  // qmail-start's argument, passed to qmail-local
  sys::QmailIds ids;
};

/// The child for one delivery (runs in the forked child, as root when the
/// spawn is): finds the user, becomes that user and execs qmail-local.
/// Returns an exit code after writing the reason to fd 1 when it cannot.
int deliver(const queue::SpawnRequest& req, const Settings& settings);

/// qmail-lspawn itself; returns the exit code.
int run(int argc, char** argv);

}  // namespace qmail::lspawn
