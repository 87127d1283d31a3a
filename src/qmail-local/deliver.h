// deliver.h: the four kinds of delivery a .qmail line asks for (dot-qmail(5)):
// append to an mbox, store in a maildir, feed to a program, forward through
// qmail-queue.  Called by local.cc, one line at a time, in the recipient's
// home directory and as the recipient.  The message on fd 0 is untrusted and
// seekable; each step rewinds it first.  Every failure comes back as an Error
// whose `what` is the whole report line for qmail-send (qmail's wording and
// enhanced status code); kind permanent means exit 100, otherwise 111.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/exit_code.h"
#include "base/result.h"

namespace qmail::local {

/// Seeks the message back to its start.
Status rewind_message(int fd);

/// Whether the header of the message already holds `dtline` (rewinds first).
Result<bool> message_loops(int fd, std::string_view dtline);

/// Appends the message to the mbox `path` after `head` (From_, Return-Path, Delivered-To).
Status deliver_mbox(const std::string& path, std::string_view head, int fd);

/// Stores the message in the maildir `dir` after `head` (Return-Path, Delivered-To),
/// giving up after 24 hours (maildir(5)).
Status deliver_maildir(const std::string& dir, std::string_view head, int fd);

/// qmail-command(8): what a program's exit code means.  0 and 99 succeed (99
/// also stops the .qmail file), 100 and 64, 65, 70, 76, 77, 78, 112 fail
/// permanently, anything else temporarily.
DeliveryExit classify_program_exit(int code);

/// Runs `sh -c command` in the current directory with the message on its
/// stdin.  True when it exited 99.  On failure the report is empty, since the
/// program's own output already says why.
Result<bool> run_program(const std::string& command, int fd);

/// Forwards the message, `dtline` in front, to `recipients` with envelope
/// sender `sender` through qmail-queue ($QMAILQUEUE honoured, as notqmail
/// does).  Returns qmail-queue's pid for the "qp" report line.
Result<pid_t> forward(std::string_view dtline, int fd, std::string_view sender,
                      const std::vector<std::string>& recipients);

}  // namespace qmail::local
