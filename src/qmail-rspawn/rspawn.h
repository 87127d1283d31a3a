// rspawn.h: qmail-rspawn(8), the remote half of qmail-send's deliveries.  main.cc
// calls run(); the unit tests use RemoteReport.  Requests come from qmail-send;
// qmail-remote's output is read as untrusted text (it quotes remote servers),
// keeping a bounded part of it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "queue/spawn.h"
#include "sys/process.h"

namespace qmail::rspawn {

/// Turns qmail-remote's output (recipient reports r/h/s, then a message report
/// K/Z/D, each ending in NUL; qmail-remote(8)) into the report qmail-send
/// wants for each recipient, as qmail-rspawn does: a rejected recipient wins
/// over the message result, and the recipient's text comes first.  One
/// qmail-remote may carry several recipients of one message (a batch).
/// A `paired` report reads a worker's reply to a job without a host
/// (qmail-remote(8), --worker): each recipient record is followed by the
/// message record of the transaction that recipient went in.
class RemoteReport : public queue::SpawnReport {
 public:
  explicit RemoteReport(std::size_t max_text = queue::kMaxSpawnReportText,
                        std::size_t max_records = 101, bool paired = false)
      : max_(max_text), max_records_(max_records), paired_(paired) {}
  void feed(std::string_view bytes) override;
  std::string finish(const sys::ExitStatus& status) override;
  std::vector<std::string> finish_batch(std::size_t n, const sys::ExitStatus& status) override;

 private:
  struct Record {
    char letter = 0;
    std::string text;  // at most max_ bytes
    bool complete = false;
  };
  // A recipient's report from its record and the message record (null: none).
  static std::string combine(const Record& rec, const Record* message);

  std::size_t max_;
  std::size_t max_records_;
  bool paired_;
  bool any_ = false;             // any output at all
  std::vector<Record> records_;  // the first max_records_ records
  bool in_record_ = false;
};

/// The batch key of a request: requests for one message, from one sender, to
/// one domain (case ignored) go to one qmail-remote.
std::string batch_key(const queue::SpawnRequest& req);

/// The batch key of a request for a worker: requests for one message from
/// one sender go to one worker job, whatever their domains.
std::string worker_batch_key(const queue::SpawnRequest& req);

/// qmail-rspawn itself; returns the exit code.
int run(int argc, char** argv);

}  // namespace qmail::rspawn
