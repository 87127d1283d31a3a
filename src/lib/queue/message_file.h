// message_file.h: finding the messages in the queue.  A message's files are
// named by its number (the inode of mess/S/N); qmail-qread and qmail-qstat
// list and count them here, and qmail-send may scan with the same calls.
// Trust: the queue belongs to qmailq and qmails, but names that are not
// message numbers (editor droppings, half-made temp files) are skipped, and
// nothing here reads more than a directory listing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::queue {

/// The message numbers named in `dir` (such as "queue/info/7"), ascending.
/// Names that are not all decimal digits are skipped.  A temporary error
/// when the directory cannot be read.
Result<std::vector<std::uint64_t>> list_message_ids(const std::string& dir);

/// How many entries `dir` holds, not counting "." and "..".  A temporary
/// error when the directory cannot be read.
Result<std::uint64_t> count_entries(const std::string& dir);

/// `dir` + "/" + `name`, or just `name` when `dir` is empty or ".".
std::string join_path(std::string_view dir, std::string_view name);

}  // namespace qmail::queue
