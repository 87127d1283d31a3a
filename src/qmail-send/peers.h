// peers.h: qmail-send's pipes to the daemons qmail-start connected it to
// (HACKING.md): a spawn (qmail-lspawn on fds 1/2, qmail-rspawn on 3/4) takes
// delivery requests and reports results; qmail-clean (fds 5/6) removes files
// qmail-send may not.  The peers are trusted; their report texts are bounded
// by ReportParser.  A peer that goes away is fatal (the caller exits 111).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "qmail-send/report.h"

namespace qmail::send {

class Spawn {
 public:
  Spawn(int to_fd, int from_fd) : to_(to_fd), from_(from_fd) {}

  /// Reads the byte the spawn sends at start: how many deliveries it runs at
  /// once.  An error when it sends nothing (EOF).
  Result<unsigned> read_limit();
  /// Queues one delivery request: slot byte, "S/N\0", sender\0, recipient\0.
  /// Requests go out together at flush(), so qmail-rspawn sees the recipients
  /// of one pass at once and can give one SMTP transaction to those of a host.
  void request(unsigned slot, std::string_view mess, std::string_view sender,
               std::string_view rcpt);
  /// Writes the queued requests.
  Status flush();
  /// Reads what is available (call when poll says readable) into the parser;
  /// false at end of file (the spawn died).
  Result<bool> read_reports();
  bool next_report(Report& out) { return parser_.next(out); }
  [[nodiscard]] int report_fd() const { return from_; }

 private:
  int to_;
  int from_;
  std::string pending_;
  ReportParser parser_;
};

class Cleaner {
 public:
  Cleaner(int to_fd, int from_fd) : to_(to_fd), from_(from_fd) {}
  /// Sends "foop/N" or "todo/N" and returns qmail-clean's answer: '+' done,
  /// '!' trouble, 'x' unintelligible.  An error when qmail-clean is gone.
  Result<char> ask(std::string_view what, std::uint64_t id);

 private:
  int to_;
  int from_;
};

}  // namespace qmail::send
