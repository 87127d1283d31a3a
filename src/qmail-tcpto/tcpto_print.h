// tcpto_print.h: qmail-tcpto(8), the downed-host table (net/tcpto.h) as text.
// Called by main.cc (run) and by the unit tests (format_tcpto, print_tcpto).
// The table is written by qmail-remote as qmailr; its records are checked by
// net::decode_tcpto, and only addresses and numbers are printed.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "net/tcpto.h"

namespace qmail::tcpto {

/// One line per entry, in table order, as qmail's qmail-tcpto wrote them
/// (scripts parse them): "192.0.2.1 timed out 600 seconds ago; # recent
/// timeouts: 3".  A time after `now` (the clock was set back) prints as 0.
std::string format_tcpto(const std::vector<net::TcptoEntry>& entries, std::time_t now);

/// Prints the table at `path` on `out_fd`.  Returns 0, or 111 after a fatal
/// diagnostic on `err_fd` when the table cannot be read or the output written.
int print_tcpto(const std::string& path, std::time_t now, int out_fd, int err_fd);

/// The whole program: <home>/queue/lock/tcpto on fds 1 and 2.
int run();

}  // namespace qmail::tcpto
