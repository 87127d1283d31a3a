// dot_qmail.h: the language of .qmail files (dot-qmail(5)) and the order in
// which qmail-local looks for them.  Called by qmail-local, and by tools that
// print what a .qmail file would do.  The bytes come from a user's .qmail file
// or from the administrator's defaultdelivery argument: trusted as far as that
// user, but still parsed with a size limit and no I/O, so a strange file can
// only make qmail-local defer, never crash.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::parse {

/// dot-qmail(5) sets no size limit; this bound keeps a runaway file (or a
/// mailing list of forward lines) from taking unbounded memory.
inline constexpr std::size_t kMaxDotQmailFile = 16 * 1024 * 1024;

enum class DotQmailKind {
  kBlank,    // empty after trailing blanks are removed (allowed except first)
  kComment,  // '#'
  kProgram,  // '|command'
  kForward,  // '&address', or any other line (normally an address)
  kMbox,     // '.' or '/', not ending in '/'
  kMaildir,  // '.' or '/', ending in '/'
  kList,     // "+list": the rest of the file may only forward
  kIgnored,  // any other line starting with '+' (qmail ignores them)
};

struct DotQmailLine {
  DotQmailKind kind = DotQmailKind::kBlank;
  /// kProgram: the command after '|'; kForward: the address without '&';
  /// kMbox/kMaildir: the whole line (a file or directory name); otherwise
  /// the line.  Trailing spaces and tabs are never part of it.
  std::string_view text;
};

/// Classifies one line (without its newline).  Trailing spaces and tabs are
/// ignored, as dot-qmail(5) allows them.  Never fails.
DotQmailLine classify_dot_qmail_line(std::string_view line);

/// Splits a whole .qmail file (or a defaultdelivery argument) into lines and
/// classifies them.  The views point into `text`.  Temporary errors, as
/// qmail-local defers on them: a blank first line (dot-qmail(5) forbids it;
/// an empty input counts as one), a NUL byte, a forward line with no address,
/// or input longer than kMaxDotQmailFile.
Result<std::vector<DotQmailLine>> parse_dot_qmail(std::string_view text);

/// The extension as used in file names: upper case lowered, and every '.'
/// turned into ':' so that an address cannot name a file outside the home
/// directory (dot-qmail(5), EXTENSION ADDRESSES).
std::string safe_extension(std::string_view ext);

struct DotQmailCandidate {
  std::string name;  // ".qmail-foo-default", relative to the home directory
  /// When this file is used, $DEFAULT is ext.substr(*default_from).
  std::optional<std::size_t> default_from;
};

/// The files qmail-local tries, first to last, for `dash` and `ext`: first
/// .qmail<dash><ext>, then for ext "a-b" .qmail<dash>a-default and
/// .qmail<dash>default.  With an empty dash only .qmail<ext> is tried: a
/// missing file then means defaultdelivery, never a default file.
std::vector<DotQmailCandidate> dot_qmail_candidates(std::string_view dash, std::string_view ext);

}  // namespace qmail::parse
