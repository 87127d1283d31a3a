// str.h: small string routines: number scanning and formatting, ASCII case.
// Pure functions, no locale.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qmail {

/// Parses a whole string of decimal digits; nullopt on empty input, any other
/// character, or overflow.
std::optional<std::uint64_t> scan_u64(std::string_view s);
/// Parses leading decimal digits; returns how many characters were used (0 if none).
std::size_t scan_u64_prefix(std::string_view s, std::uint64_t& out);

std::string fmt_u64(std::uint64_t n);

char ascii_lower(char c);
std::string ascii_lower(std::string_view s);
bool ascii_iequal(std::string_view a, std::string_view b);
bool ascii_istarts_with(std::string_view s, std::string_view prefix);

/// Strips trailing spaces, tabs and CRs (how control files and .qmail lines are read).
std::string_view trim_right(std::string_view s);
std::string_view trim(std::string_view s);

}  // namespace qmail
