// control.h: reading qmail's control files (qmail-control(5)).  Paths are
// relative to the current directory, which programs set to the qmail home.
// Control files are trusted as far as the administrator who wrote them, but are
// still read with limits: a huge or binary file is an error, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/result.h"

namespace qmail::control {

inline constexpr std::size_t kMaxControlFile = 16 * 1024 * 1024;

/// The first line of `path`, trailing blanks removed; nullopt when the file
/// does not exist.  Any other trouble is a temporary error.
Result<std::optional<std::string>> read_line(const std::string& path);

/// Like read_line, but `fallback` when the file is missing or its first line is empty.
Result<std::string> read_line_or(const std::string& path, std::string_view fallback);

/// Every line of `path`: trailing blanks removed, empty lines and lines starting
/// with '#' skipped.  An empty vector when the file is missing.
Result<std::vector<std::string>> read_lines(const std::string& path);

/// A decimal number from the first line, or `fallback` when missing.  A first
/// line that is not a number is a temporary error (qmail treats it as such).
Result<std::uint64_t> read_number(const std::string& path, std::uint64_t fallback);

/// A set of lower-cased strings, for locals, rcpthosts and the like.
class StringSet {
 public:
  StringSet() = default;
  explicit StringSet(const std::vector<std::string>& items);
  void insert(std::string_view s);
  [[nodiscard]] bool contains(std::string_view s) const;  // case-insensitive
  [[nodiscard]] std::size_t size() const { return set_.size(); }

 private:
  std::unordered_set<std::string> set_;
};

}  // namespace qmail::control
