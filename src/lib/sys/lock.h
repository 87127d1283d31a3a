// lock.h: whole-file exclusive locks, with flock or lockf as configure found.
#pragma once

#include "base/result.h"

namespace qmail::sys {

/// Blocks until `fd` is locked exclusively.
Status lock_exclusive(int fd);
/// Tries once; Result holds false when another process holds the lock.
Result<bool> try_lock_exclusive(int fd);
Status unlock(int fd);

}  // namespace qmail::sys
