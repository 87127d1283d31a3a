// tcpok.h: qmail-tcpok(8), emptying the downed-host table (net/tcpto.h) so that
// qmail-remote tries every host again at once, e.g. after a network outage.
// Called by main.cc (run) and by the unit tests (clear_tcpto).  Nothing is
// read but the table's path; the file's permissions decide who may clear it.
#pragma once

#include <string>

namespace qmail::tcpok {

/// Writes zeroes over the table at `path`, under its lock.  Returns 0, or 111
/// after a fatal diagnostic on `err_fd` (the table is missing, not writable,
/// or the write failed).
int clear_tcpto(const std::string& path, int err_fd);

/// The whole program: clears <home>/queue/lock/tcpto, diagnostics on fd 2.
int run();

}  // namespace qmail::tcpok
