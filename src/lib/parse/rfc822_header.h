// rfc822_header.h: splits the header of a mail message into its fields, the
// way qmail-inject reads a message (qmail-header(5)): a field is a name, a
// colon and contents that may be folded onto lines starting with a space or
// tab; a blank line ends the header; a line that is not a field also ends it
// and starts the body.  Bare LF is the line end; a CR before it is dropped in
// the header.  Called by qmail-inject, line by line (push style), and by
// tests through split_header().  Input is untrusted: any bytes, any length;
// every limit below is checked before memory is spent.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::parse {

// RFC 5322 2.1.1 limits a line to 998 characters, but real mail breaks that
// rule; these limits are only there so that no input makes us grow without bound.
inline constexpr std::size_t kMaxHeaderLine = 64 * 1024;         // one physical line
inline constexpr std::size_t kMaxHeaderField = 1024 * 1024;      // a field with its folds
inline constexpr std::size_t kMaxHeaderBytes = 8 * 1024 * 1024;  // the whole header
inline constexpr std::size_t kMaxHeaderFields = 100000;

/// One header field exactly as read, every physical line ending in "\n".
struct HeaderField {
  std::string text;
  std::size_t name_length = 0;  // the name, without blanks before the colon
  std::size_t colon = 0;        // offset of the colon

  [[nodiscard]] std::string_view name() const {
    return std::string_view(text).substr(0, name_length);
  }
  /// Everything after the colon, folds and the final "\n" included.
  [[nodiscard]] std::string_view value() const { return std::string_view(text).substr(colon + 1); }
};

/// The length of the field name at the start of `line` when the line can
/// start a header field (a nonempty name of printable non-space ASCII, blanks,
/// a colon); 0 when it cannot.  `*colon` receives the colon's offset.
std::size_t field_name_length(std::string_view line, std::size_t* colon);

/// Case-insensitive test of a field's name, e.g. field_is(f, "resent-to").
bool field_is(const HeaderField& field, std::string_view name);

class HeaderSplitter {
 public:
  /// Feeds one physical line without its LF; `newline` is false for a last
  /// line that had none.  Returns true while the header goes on, false once
  /// this line ended it (then body_start() holds the body's first bytes).
  /// A permanent error when a limit is exceeded.  Not to be called again
  /// after it returned false.
  Result<bool> feed(std::string_view line, bool newline = true);
  /// End of input while still in the header: completes the last field.
  void finish();

  /// Fields completed so far.  The caller may take them.
  std::vector<HeaderField>& fields() { return fields_; }
  /// What the body starts with: "\n" for the blank line that ended the
  /// header, or "\n" plus the line that was not a field (the blank line that
  /// separates header and body is then added).  Empty at end of input.
  [[nodiscard]] const std::string& body_start() const { return body_start_; }
  [[nodiscard]] bool done() const { return done_; }

 private:
  void complete_pending();

  std::vector<HeaderField> fields_;
  HeaderField pending_;
  bool has_pending_ = false;
  bool done_ = false;
  std::size_t total_ = 0;
  std::string body_start_;
};

struct SplitMessage {
  std::vector<HeaderField> fields;
  std::string body;  // body_start() followed by the rest of the message
};

/// Splits a whole message held in memory (tests and fuzzing).
Result<SplitMessage> split_header(std::string_view message);

}  // namespace qmail::parse
