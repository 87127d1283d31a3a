// cdb_make.h: writing constant databases in D. J. Bernstein's cdb format, so
// the files interoperate with every other cdb tool (see cdb.h for the layout).
// qmail-newu writes users/cdb with it.  The records are built in memory (the
// inputs are administrators' files, already bounded by their parsers) and the
// file is replaced atomically: `path`.tmp, fsync, rename, fsync of the directory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::control {

class CdbMake {
 public:
  /// Adds one record; a key may be added more than once (the reader returns
  /// the values in order).  A permanent error once the file would pass 4 GiB.
  Status add(std::string_view key, std::string_view data);
  /// The whole cdb file: header, records, hash tables.  Leaves the maker empty.
  Result<std::string> finish();

 private:
  struct Entry {
    std::uint32_t hash;
    std::uint32_t pos;
  };
  std::string records_;  // everything after the 2048-byte header
  std::vector<Entry> entries_;
};

/// Writes the finished `maker` to `path` atomically (through `path`.tmp).
Status write_cdb_atomic(const std::string& path, CdbMake& maker, mode_t mode);

}  // namespace qmail::control
