// rspawn.h: qmail-rspawn(8), the remote half of qmail-send's deliveries.  main.cc
// calls run(); the unit tests use RemoteReport.  Requests come from qmail-send;
// qmail-remote's output is read as untrusted text (it quotes remote servers),
// keeping a bounded part of it.
#pragma once

#include <string>
#include <string_view>

#include "queue/spawn.h"
#include "sys/process.h"

namespace qmail::rspawn {

/// Turns qmail-remote's output (recipient reports r/h/s, then a message report
/// K/Z/D, each ending in NUL; qmail-remote(8)) into the one report qmail-send
/// wants for the single recipient, as qmail-rspawn does: a rejected recipient
/// wins over the message result, and the recipient's text comes first.
class RemoteReport : public queue::SpawnReport {
 public:
  explicit RemoteReport(std::size_t max_text = queue::kMaxSpawnReportText) : max_(max_text) {}
  void feed(std::string_view bytes) override;
  std::string finish(const sys::ExitStatus& status) override;

 private:
  struct Record {
    char letter = 0;
    std::string text;  // at most max_ bytes
    bool complete = false;
  };
  std::size_t max_;
  bool any_ = false;  // any output at all
  Record first_;      // the first record
  Record second_;     // the record after it
  int records_ = 0;   // complete records seen, counting no further than 2
  char result_ = 0;   // letter of the first complete K/Z/D record
  char current_ = 0;  // letter of the record being read (0 before its first byte)
  bool in_record_ = false;
};

/// qmail-rspawn itself; returns the exit code.
int run(int argc, char** argv);

}  // namespace qmail::rspawn
