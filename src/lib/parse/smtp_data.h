// smtp_data.h: the DATA state machine of qmail-smtpd (RFC 5321 4.1.1.4 and
// 4.5.2).  Bytes from the network go in, in chunks of any size; out come the
// message bytes as qmail stores them (lines end in LF, leading dots removed),
// and the one event that matters: the end of the data.  Untrusted input; the
// decoder keeps a fixed amount of state whatever it is fed.
//
// Smuggling (the 2023 "SMTP smuggling" class): only CR LF . CR LF ends the
// data.  A bare LF ends a line inside the message (it is stored as LF) but can
// never take part in the end sequence; a bare CR is kept as a byte.  So
// LF.LF, CR.CR, CR.LF, LF.CRLF and CRLF.LF are all message content, and no
// byte sequence can end one message early and start a second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace qmail::parse {

/// RFC 5321 6.3 recommends refusing looping mail; qmail counts Received and
/// Delivered-To header fields and refuses at 100.
inline constexpr unsigned kMaxHops = 100;
/// A header field (with its continuation lines) longer than this is refused:
/// no real mail needs it, and it bounds what a header line can make us hold.
inline constexpr std::size_t kMaxSmtpHeaderField = 64 * 1024;

class SmtpDataDecoder {
 public:
  /// What the decoder saw in the message, for qmail-smtpd's final reply.
  struct Stats {
    std::uint64_t bytes = 0;       // message bytes produced (as stored)
    unsigned hops = 0;             // Received: and Delivered-To: fields in the header
    bool header_too_long = false;  // a header field exceeded kMaxSmtpHeaderField
    bool bare_lf = false;          // at least one LF without CR
    bool bare_cr = false;          // at least one CR not followed by LF
    bool eight_bit = false;        // at least one byte above 127
  };

  /// Decodes `in`, appending message bytes to `out`.  Returns how many bytes
  /// of `in` were consumed: all of them, unless the end of data was reached,
  /// in which case the bytes after the final CR LF are left for the caller
  /// (pipelined commands after DATA).  Once done() is true, feed() consumes nothing.
  std::size_t feed(std::string_view in, std::string& out);

  /// True once CR LF . CR LF has been seen (the first line counts as
  /// preceded by CR LF: the data may be just ". CR LF").
  [[nodiscard]] bool done() const { return state_ == State::kDone; }
  [[nodiscard]] const Stats& stats() const { return stats_; }

 private:
  enum class State {
    kLineStart,  // after CR LF (or at the beginning)
    kDot,        // ".", right after CR LF
    kDotCr,      // ". CR", right after CR LF
    kText,       // inside a line
    kCr,         // CR inside a line
    kDone,
  };
  void emit(std::string& out, char c);      // one message byte, with the header stats
  void emit_bare_lf(std::string& out);      // an LF that came without CR
  void after_cr(std::string& out, char c);  // the byte after a CR inside a line

  State state_ = State::kLineStart;
  Stats stats_;
  // header tracking
  bool in_header_ = true;
  bool line_empty_ = true;     // the current stored line has no bytes yet
  std::size_t field_len_ = 0;  // bytes of the current header field
  char prefix_[14] = {};       // first bytes of the current header line
  std::size_t prefix_len_ = 0;
};

}  // namespace qmail::parse
