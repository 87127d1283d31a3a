// remote.h: qmail-remote(8).  main.cc calls run(); the unit tests use the
// pieces that decide (targets, reports).  Arguments come from qmail-rspawn
// (host, sender, recipients: addresses anyone may have written), the message
// on fd 0 from the queue, and everything the remote server and the DNS say is
// untrusted.  The output on fd 1 is qmail's report stream: per recipient "r",
// "h"+text or "s"+text, then one "K", "Z" or "D"+text, each ending in NUL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/ip.h"

namespace qmail::remote {

/// The report stream, collected and written at the end in one piece.
class Reports {
 public:
  explicit Reports(std::size_t recipients) : rcpt_(recipients) {}
  /// 'r', 'h' or 's' for recipient `i` (0-based); text ignored for 'r'.
  void recipient(std::size_t i, char letter, std::string_view text = {});
  /// The message result; when any recipient has a report, every recipient
  /// without one gets `letter`'s recipient form ('s' for Z, 'h' for D) first,
  /// so the stream always holds one record per recipient or none.
  void message(char letter, std::string_view text);
  /// The stream as bytes (after message()).
  [[nodiscard]] std::string bytes() const;
  /// Recipient `i`'s record, NUL included; one without a report of its own
  /// gets the message's fate with no text ("s" for Z, "h" for D).
  [[nodiscard]] std::string recipient_record(std::size_t i) const;
  /// The message record, NUL included.
  [[nodiscard]] std::string message_record() const;
  [[nodiscard]] bool any_recipient() const;
  [[nodiscard]] char letter(std::size_t i) const { return rcpt_[i].letter; }

 private:
  struct Rcpt {
    char letter = 0;
    std::string text;
  };
  std::vector<Rcpt> rcpt_;
  char message_letter_ = 0;
  std::string message_text_;
};

/// Makes report text safe for the stream: no NUL, at most `max` bytes.
std::string report_text(std::string_view text, std::size_t max = 4000);

/// qmail-remote itself; returns the exit code (always 0: results go on fd 1).
int run(int argc, char** argv);

}  // namespace qmail::remote
