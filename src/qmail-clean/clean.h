// clean.h: qmail-clean's work (qmail-clean(8), HACKING.md).  qmail-send, which
// may not touch qmailq's files, sends "foop/N\0" (remove intd/N and mess/S/N:
// the message is finished) or "todo/N\0" (remove intd/N and todo/N: it is
// preprocessed); each answer is one byte: '+' done, '!' trouble, 'x' a request
// not understood.  Runs in the queue directory; requests come from qmail-send
// (trusted) but are still checked and bounded.
#pragma once

#include <cstddef>
#include <ctime>
#include <string_view>

namespace qmail::clean {

/// The longest request understood: "todo/" and a 64-bit number.
inline constexpr std::size_t kMaxRequest = 32;

/// Carries out one request (without its NUL) in the current directory and
/// returns the answer byte.
char handle_request(std::string_view req, unsigned split);

/// Removes files in pid/ older than 36 hours (left by a qmail-queue that died
/// before it could rename them).  Returns how many were removed.
unsigned remove_stale_pids(std::time_t now);

/// The program: requests on fd 0, answers on fd 1.  Returns the exit code:
/// 0 at end of input, 111 on trouble.
int run();

}  // namespace qmail::clean
