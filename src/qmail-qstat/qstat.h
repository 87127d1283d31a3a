// qstat.h: qmail-qstat's logic, apart from main() so that tests can count a
// queue tree of their own.  main() calls run(); tests call count_queue().
// Trust: only directory listings of the queue are read; names are counted,
// never printed.
#pragma once

#include <string>

namespace qmail::qstat {

/// Writes "messages in queue: N" (the files in mess/*/) and "messages in
/// queue but not yet preprocessed: M" (the files in todo/) to `out_fd`, as
/// qmail-qstat(8).  Returns 0, or 111 after a fatal diagnostic on `err_fd`
/// when a directory cannot be read or the output not written.
int count_queue(const std::string& queue_dir, int out_fd, int err_fd);

/// The whole program: counts <home>/queue on fds 1 and 2.
int run();

}  // namespace qmail::qstat
