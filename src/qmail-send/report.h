// report.h: the delivery reports qmail-lspawn and qmail-rspawn send back
// (HACKING.md: slot byte, status letter K/Z/D, text, NUL) and the way their
// text is written to the log.  The spawns are trusted, but the text comes from
// qmail-local and from remote SMTP servers: it is bounded and escaped.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace qmail::send {

/// A report's text is cut at this length (the rest is read and dropped), so
/// neither the log nor bounce/N grows with what a peer says.
inline constexpr std::size_t kMaxReport = 16 * 1024;

struct Report {
  unsigned slot = 0;
  char status = 0;   // 'K', 'Z', 'D', or anything else for a mangled report
  std::string text;  // without the status letter
};

/// Push parser: feed the bytes read from a spawn's report descriptor; each
/// complete report is returned by next().
class ReportParser {
 public:
  /// Consumes all of `bytes`.
  void feed(std::string_view bytes);
  /// Moves the oldest complete report into `out`; false when none is complete.
  bool next(Report& out);
  /// True while a report has been started but not ended.
  [[nodiscard]] bool in_report() const { return state_ != State::kSlot; }

 private:
  enum class State { kSlot, kStatus, kText };
  State state_ = State::kSlot;
  Report cur_;
  std::deque<Report> done_;
};

/// The text as the log shows it: spaces become '_', newlines '/', other
/// bytes outside printable ASCII '?'.  Trailing newlines are kept (as '/').
std::string log_text(std::string_view text);

}  // namespace qmail::send
