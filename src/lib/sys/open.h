// open.h: opening files as qmail does, every descriptor close-on-exec, and the
// fsync discipline of DESIGN §6 (a link or rename is durable on Linux only
// after its directory is fsynced).
#pragma once

#include <sys/types.h>

#include <string>

#include "base/fd.h"
#include "base/result.h"

namespace qmail::sys {

Result<Fd> open_read(const std::string& path);
Result<Fd> open_write(const std::string& path);              // existing file, no truncation
Result<Fd> open_append(const std::string& path);             // O_APPEND, no create
Result<Fd> open_excl(const std::string& path, mode_t mode);  // must not exist
Result<Fd> open_trunc(const std::string& path, mode_t mode);
Result<Fd> open_dir(const std::string& path);

/// fsync on the file; fdatasync where the platform has it is not enough for new files.
Status sync_fd(int fd);
/// Opens and fsyncs a directory, making links and renames in it durable.
Status sync_dir(const std::string& path);

/// True when `path` exists (lstat succeeds); errors other than ENOENT are temporary.
Result<bool> exists(const std::string& path);

/// Reads a whole small file (control files, .qmail files), failing permanently past `max`.
/// A missing file is reported as nullopt-like: Result holds false in *found.
Status read_file(const std::string& path, std::string& out, std::size_t max, bool* found);

/// Writes `data` to `path` atomically: temp file in the same directory, fsync,
/// rename, fsync of the directory.
Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode);

}  // namespace qmail::sys
