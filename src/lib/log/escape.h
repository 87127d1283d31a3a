// escape.h: making untrusted bytes safe for a one-line log entry.  Control
// characters and bytes >= 0x7f become '?', as qmail's logs show them; a log line
// can then never be split or forged by an address or a reply text.
#pragma once

#include <string>
#include <string_view>

namespace qmail::log {

/// Returns `s` with every byte outside 0x20..0x7e replaced by '?'.
std::string escape(std::string_view s);

/// Appends `s` escaped to `out`.
void append_escaped(std::string& out, std::string_view s);

}  // namespace qmail::log
