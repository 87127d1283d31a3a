// hier.h: checking and building the qmail home from the expanded manifest.
// instcheck calls check_items; qmail-hier (run by `make setup`) calls
// ensure_items.  The items come from the compiled-in manifest (trusted); the
// disk is not: below the first level of the home, directories belong to qmail's
// users, so ensure_items never follows a symbolic link there and, as root, works
// on descriptors opened with O_NOFOLLOW.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "manifest.h"

namespace qmail::instcheck {

/// Checks every item under `home`: existence, type, owner, group and mode.
/// Returns one line per problem, empty when all is right.  Never changes anything.
std::vector<std::string> check_items(const std::string& home, const std::vector<Item>& items);

/// Called with a line for each change ensure_items makes ("created queue/pid" ...).
using Note = std::function<void(std::string_view)>;

/// Creates what is missing (directories, zero files, named pipes) and sets owners
/// and modes.  An existing file's contents are never touched and nothing is
/// removed.  Owners change only where they differ (so an ordinary user whose own
/// ids are every configured id never needs root).  Missing `f` items (make
/// install's job) are skipped and then reported as one permanent error; a
/// wrong type is a permanent error and system trouble a temporary one, both
/// stopping at once.
Status ensure_items(const std::string& home, const std::vector<Item>& items, const Note& note);

/// "0755", "04711": a mode as the manifest writes it.
std::string format_mode(unsigned mode);

}  // namespace qmail::instcheck
