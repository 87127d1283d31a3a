// inject.h: qmail-inject(8): reads a message on stdin, rewrites its header
// (header.h) and hands it to qmail-queue ($QMAILQUEUE honoured), or prints
// it with -n.  run() is main's body; inject() does the work on given
// descriptors so that tests can drive it.  The message is untrusted input;
// the command line and environment are the invoking user's.
#pragma once

#include <ctime>

#include "base/result.h"
#include "inject/options.h"

namespace qmail::inject {

/// Reads the message from `in_fd`; with options.queue false writes the result
/// to `out_fd`, otherwise queues it.  Permanent errors for a bad message, a
/// bad address or no recipients; temporary errors for read, write and queue
/// trouble.  The error's text is the diagnostic.
Status inject(const Options& options, const Config& config, int in_fd, int out_fd, std::time_t now,
              long pid);

/// main(): 0, 100 (usage, bad message) or 111 (temporary trouble), with a
/// one-line diagnostic "qmail-inject: fatal: ..." on stderr.
int run(int argc, char** argv);

}  // namespace qmail::inject
