// cdb.h: reading D. J. Bernstein's constant databases (users/cdb, and any
// other cdb a later program wants).  qmail-lspawn looks addresses up in
// users/cdb with it.  A cdb file is trusted no further than its bytes: it may
// have been made by any tool, or be truncated or corrupt.  Every offset and
// length in it is checked against the file size before use, so a bad file
// gives a temporary error, never a crash or an unbounded allocation.
//
// The format: a 2048-byte header of 256 (position, slot count) pairs, the
// records (key length, data length, key, data), then 256 hash tables of
// (hash, record position) slots.  Every number is a little-endian uint32.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/fd.h"
#include "base/result.h"

namespace qmail::control {

/// The cdb hash: h = 5381, then h = ((h << 5) + h) ^ c for every byte.
std::uint32_t cdb_hash(std::string_view key);

class Cdb {
 public:
  /// Opens `path` read-only.  A missing file is a temporary error whose errnum
  /// is ENOENT, so a caller may treat it as "no database".
  static Result<Cdb> open(const std::string& path);
  /// Reads from `bytes`, which must outlive the Cdb (for tests and fuzzing).
  static Cdb from_memory(std::string_view bytes);

  /// One lookup of one key: next() returns its values in the order they were
  /// added (cdb_findnext), then nullopt.  A value longer than `max_value`, a
  /// read error or a corrupt file is a temporary error.
  class Search {
   public:
    Result<std::optional<std::string>> next(std::size_t max_value);

   private:
    friend class Cdb;
    Search(const Cdb& db, std::string_view key) : db_(db), key_(key) {}
    const Cdb& db_;
    std::string key_;
    bool started_ = false;
    std::uint32_t hash_ = 0;
    std::uint32_t table_pos_ = 0;  // first slot of the key's hash table
    std::uint32_t slots_ = 0;      // slots in that table
    std::uint32_t slot_ = 0;       // next slot to look at
    std::uint32_t looked_ = 0;     // slots looked at: at most slots_
  };
  [[nodiscard]] Search search(std::string_view key) const { return Search(*this, key); }

  /// The first value for `key`, or nullopt when there is none.
  Result<std::optional<std::string>> find(std::string_view key, std::size_t max_value) const;

  [[nodiscard]] std::uint64_t size() const { return size_; }

 private:
  Cdb(Fd fd, std::uint64_t size) : fd_(std::move(fd)), size_(size) {}
  explicit Cdb(std::string_view mem) : mem_(mem), size_(mem.size()) {}
  /// Reads exactly `len` bytes at `pos`; an error when they lie past the end.
  Status read_at(std::uint64_t pos, std::size_t len, char* out) const;
  Result<std::uint32_t> read_u32(std::uint64_t pos) const;

  Fd fd_;
  std::string_view mem_;
  std::uint64_t size_ = 0;
};

}  // namespace qmail::control
