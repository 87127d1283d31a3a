// newrcpt.h: qmail-newrcpt(8), building control/recipients.cdb, the list of
// addresses qmail-smtpd accepts in this host's local and virtual domains.
// main.cc calls run(); the unit tests call look_at_home and build_cdb.  It
// reads the administrator's control files and users/assign (trusted, parsed
// with limits), the passwd database, and the users' home directories, whose
// file names may hold any byte (keys.h decides what becomes a key).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "keys.h"

namespace qmail::newrcpt {

/// Receives one warning line (without "qmail-newrcpt: warning: ").
using Warn = std::function<void(std::string_view)>;

/// A home directory as qmail-local would see it: whether it exists, its
/// owner, and the names starting with ".qmail" that are regular files (or
/// could not be looked at: those count as present).  Trouble reading it makes
/// it unlisted, after a warning.
Home look_at_home(const std::string& dir, const Warn& warn);

/// Everything recipient_keys needs, read from the current directory (the
/// qmail home), the passwd database and the homes.  Temporary errors for
/// unreadable control files, users/assign or passwd database.
Result<Inputs> gather(const Warn& warn);

/// The cdb bytes holding `keys`, each with an empty value.
Result<std::string> build_cdb(const std::vector<std::string>& keys);

/// qmail-newrcpt itself: `qmail-newrcpt [-n]`.  Returns the exit code.
int run(int argc, char** argv);

}  // namespace qmail::newrcpt
