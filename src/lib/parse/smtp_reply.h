// smtp_reply.h: what an SMTP server answers (RFC 5321 4.2), for qmail-remote.
// The server is untrusted: replies are read line by line through
// SmtpReplyParser, which bounds a line, the number of lines and the text kept,
// and says when a reply is malformed instead of guessing.  parse_ehlo() turns
// an EHLO reply into the extensions qmail-remote uses.  Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qmail::parse {

inline constexpr std::size_t kMaxSmtpReplyLine = 2048;  // bytes of one line, without CRLF
inline constexpr std::size_t kMaxSmtpReplyLines = 200;  // lines of one reply
inline constexpr std::size_t kMaxSmtpReplyKept = 4096;  // bytes of text kept per reply

struct SmtpReply {
  int code = 0;                    // 200..599 once complete
  std::vector<std::string> lines;  // each line's text after "NNN-" / "NNN " (may be empty)
  bool truncated = false;          // some lines or text were dropped (beyond kMaxSmtpReplyKept)

  /// 2, 3, 4 or 5: the first digit.
  [[nodiscard]] int kind() const { return code / 100; }
  /// "250 first line" and "250 next line" ... joined by `sep`, each line's
  /// bytes outside printable ASCII shown as '?' (a line with no text is just
  /// "250"), then "(reply truncated)" when truncated.  For reports and logs.
  [[nodiscard]] std::string text(std::string_view sep = "\n") const;
};

class SmtpReplyParser {
 public:
  enum class Step {
    kMore,       // a continuation line ("NNN-"): feed the next line
    kDone,       // the last line ("NNN " or "NNN"): reply() is complete
    kMalformed,  // not a reply line, or a code that changed between lines
  };

  /// Feeds one line without its line end (CRLF or LF; a final CR is removed
  /// here).  A line longer than kMaxSmtpReplyLine is the caller's to cut: it
  /// passes the first kMaxSmtpReplyLine bytes.  More than kMaxSmtpReplyLines
  /// lines make the reply malformed.
  Step feed_line(std::string_view line);
  [[nodiscard]] const SmtpReply& reply() const { return reply_; }
  /// Why the last feed_line() said kMalformed ("not an SMTP reply line" ...).
  [[nodiscard]] const std::string& error() const { return error_; }
  /// Starts the next reply; call it after kDone or kMalformed before feeding
  /// the next reply's first line.
  void reset();

 private:
  SmtpReply reply_;
  std::string error_;
  std::size_t lines_ = 0;
  std::size_t kept_ = 0;
};

/// The extensions of an EHLO reply (its lines after the first) that qmail-remote uses.
struct EhloExtensions {
  bool pipelining = false;
  bool starttls = false;
  bool eightbitmime = false;
  bool smtputf8 = false;
  bool enhancedstatuscodes = false;
  bool size = false;             // SIZE offered
  std::uint64_t size_limit = 0;  // its argument; 0 = no limit given
  bool auth_plain = false;
  bool auth_login = false;
  bool auth_cram_md5 = false;
};

/// Keywords in any case; "AUTH=LOGIN" (an old form) counts as AUTH LOGIN; a
/// SIZE argument that is not a number, or does not fit, is taken as no limit.
/// A reply that is not 2xx offers nothing.
EhloExtensions parse_ehlo(const SmtpReply& reply);

}  // namespace qmail::parse
