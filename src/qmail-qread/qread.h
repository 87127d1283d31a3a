// qread.h: qmail-qread's logic, apart from main() so that tests can list a
// queue tree of their own.  main() calls run(); tests call list_queue().
// Trust: the queue files are qmail-send's, but may be half-written while it
// works or damaged after a crash: every record is bounded, a cut record is
// ignored, and addresses are printed with unprintable bytes replaced.
#pragma once

#include <cstddef>
#include <string>

namespace qmail::qread {

/// Longest info/local/remote record read, letter included: well above any
/// address qmail-send writes (qmail-queue's 1002 bytes plus a virtual-domain
/// prefix), and a bound on what a damaged file can make us hold.
inline constexpr std::size_t kMaxQueueRecord = 65536;

/// Writes one block per message in `queue_dir` (`.` for the current
/// directory) to `out_fd`, as qmail-qread(8) describes, and a warning per
/// message it cannot read to `err_fd`.  Returns 0, or 111 after a fatal
/// diagnostic when the queue cannot be scanned or the listing not written.
int list_queue(const std::string& queue_dir, int out_fd, int err_fd);

/// The whole program: lists <home>/queue on fds 1 and 2.
int run();

}  // namespace qmail::qread
