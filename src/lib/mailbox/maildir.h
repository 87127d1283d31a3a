// maildir.h: delivering into and reading from a maildir (maildir(5)).
// Delivery writes tmp/<unique>, fsyncs it, links it into new/ and fsyncs new/
// (DESIGN §6); it never overwrites a file and removes its tmp file on any
// failure.  Called by qmail-local (maildir lines of .qmail files) and by
// maildir2mbox (scan and clean).  The message bytes are untrusted and copied
// as they are; the directory name is trusted (it comes from the user).
#pragma once

#include <sys/types.h>

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::mailbox {

/// A unique file name as the maildir specification's modern form:
/// "<sec>.M<usec>P<pid>Q<seq>.<host>", with '/' and ':' in the host name
/// written as "\057" and "\072".
std::string maildir_unique_name(std::time_t sec, long usec, pid_t pid, unsigned long seq,
                                std::string_view host);

enum class MaildirFailure { kNone, kDirectory, kCreate, kReadMessage, kWrite, kLink };

/// Delivers `head` (the Return-Path and Delivered-To lines) followed by the
/// message read from `message_fd` (from its offset to the end) into the
/// maildir `dir`.  Returns the new file's name relative to `dir`
/// ("new/<unique>").  Errors are temporary; `*failure` says which step failed.
Result<std::string> deliver_to_maildir(const std::string& dir, std::string_view head,
                                       int message_fd, MaildirFailure* failure);

struct MaildirEntry {
  std::string name;     // "new/<unique>" or "cur/<unique>:2,S", relative to the maildir
  std::time_t mtime{};  // the delivery date (maildir(5))
};

/// Every message in new/ and cur/ of `dir`, skipping names that start with a
/// dot, sorted by delivery date (then name).  A temporary error when a
/// directory cannot be read.
Result<std::vector<MaildirEntry>> scan_maildir(const std::string& dir);

/// Removes files from tmp/ of `dir` not accessed for 36 hours (maildir(5)).
/// Best effort: failures are ignored.
void clean_maildir_tmp(const std::string& dir, std::time_t now);

}  // namespace qmail::mailbox
