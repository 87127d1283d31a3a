// smtp_dot.h: the message as it goes out after DATA (RFC 5321 4.5.2).  A queued
// message has LF line ends; on the wire every line ends in CR LF, a line that
// starts with "." gets a second one, and CR LF "." CR LF ends the data.  The
// content is untrusted (anyone can send mail), so the encoder makes sure that
// no receiver, strict or lenient about line ends, can see the end of the data
// before the end of the message: a bare LF becomes CR LF, and a CR that is not
// followed by LF (a bare CR, which some receivers take as a line end) becomes
// CR LF as well, so every line on the wire ends in CR LF and every line that
// starts with "." is stuffed.  A CR LF already in the message stays one line end.
// Pure: bytes in, bytes out, state carried between chunks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace qmail::parse {

class DotStuffer {
 public:
  /// Appends the wire form of the next chunk of the message to `out`.  Chunks
  /// may split the message anywhere, also between a CR and its LF.
  void feed(std::string_view chunk, std::string& out);
  /// Appends the end of the data: CR LF when the message is not empty and did
  /// not end with a line end, then ".\r\n".  The stuffer is then ready for the
  /// next message.
  void finish(std::string& out);

  /// Bytes of the current message fed so far (0 again after finish()).
  [[nodiscard]] std::uint64_t fed() const { return fed_; }

 private:
  enum class At : std::uint8_t { kLineStart, kMidLine, kAfterCr };
  At at_ = At::kLineStart;
  std::uint64_t fed_ = 0;
};

/// What a scan of the whole message found, to choose MAIL parameters before
/// sending it (SIZE=, BODY=8BITMIME).
struct MessageScan {
  std::uint64_t wire_size = 0;  // bytes DotStuffer would send, without the final ".\r\n"
  bool eight_bit = false;       // a byte >= 0x80
  bool nul = false;             // a NUL byte
};

/// Incremental: feed() every chunk, in order, then read result().  The wire
/// size counts each line end as two bytes and each stuffed dot (it runs the
/// same encoder), so it is exact for what DotStuffer sends.
class MessageScanner {
 public:
  void feed(std::string_view chunk);
  /// The result, counting the CR LF finish() adds to an unterminated last line.
  [[nodiscard]] MessageScan result() const;

 private:
  MessageScan scan_;
  DotStuffer stuffer_;
};

}  // namespace qmail::parse
