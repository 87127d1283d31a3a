#include "rspawn.h"

#include <unistd.h>

#include <cstdlib>

#include "base/auto.h"
#include "base/exit_code.h"
#include "base/str.h"
#include "io/writer.h"
#include "net/tcpto.h"
#include "sys/priv.h"

namespace qmail::rspawn {

namespace {
constexpr int kTemporary = as_int(DeliveryExit::kTemporary);

bool is_message_report(char c) { return c == 'K' || c == 'Z' || c == 'D'; }

// Which letter the result takes: 1 success, 0 temporary, -1 permanent.
int rank(char c) {
  if (c == 'K') return 1;
  if (c == 'Z') return 0;
  return -1;  // D, or no message report at all
}

// qmail-rspawn, like qmail's, empties qmail-remote's table of hosts that timed
// out (lock/tcpto, qmail-tcpto(8)) when it starts: a restart forgets them.
// No table yet, or any trouble clearing it: nothing to forget, or only a hint.
void clean_tcpto() { (void)net::TcptoTable("../lock/tcpto").clear(); }

// qmail-remote's arguments for a batch: host, sender, recipients.
std::vector<std::string> remote_args(const std::vector<queue::SpawnRequest>& group) {
  const queue::SpawnRequest& req = group.front();
  std::vector<std::string> args = {std::string(req.domain()), req.sender};
  for (const queue::SpawnRequest& r : group) args.push_back(r.recipient);
  return args;
}

// A worker's job: no host, so that each recipient goes to its own domain and
// domains with the same mail host share a transaction (qmail-remote(8)).
std::vector<std::string> worker_args(const std::vector<queue::SpawnRequest>& group) {
  std::vector<std::string> args = {std::string(), group.front().sender};
  for (const queue::SpawnRequest& r : group) args.push_back(r.recipient);
  return args;
}

std::string remote_program() { return std::string(autoconf::kHome) + "/bin/qmail-remote"; }

int child_batch(const std::vector<queue::SpawnRequest>& group) {
  std::vector<std::string> argv = remote_args(group);
  argv.insert(argv.begin(), "qmail-remote");
  // $QMAILREMOTE names another program (a filter in front of qmail-remote), as notqmail has it.
  const char* other = std::getenv("QMAILREMOTE");
  if (other && *other) {
    argv[0] = other;
    sys::exec_argv(argv);
  } else {
    sys::exec_path(remote_program(), argv);
  }
  return kTemporary;  // could not run it: keep the mail and try again later
}

// A long-lived qmail-remote (qmail-remote(8), --worker): it takes one job after
// another on fd 0 and keeps connections open between them.
int worker() {
  sys::exec_path(remote_program(), {"qmail-remote", "--worker"});
  return kTemporary;
}
}  // namespace

void RemoteReport::feed(std::string_view bytes) {
  for (char c : bytes) {
    any_ = true;
    if (!in_record_) {
      in_record_ = true;
      if (records_.size() < max_records_) records_.push_back({c, {}, false});
      if (c != '\0') continue;  // else: an empty record, ending here
    } else if (c != '\0') {
      Record& rec = records_.back();
      if (!rec.complete && records_.size() <= max_records_ && rec.text.size() < max_)
        rec.text.push_back(c);
      continue;
    }
    // the NUL ending a record
    if (!records_.empty() && !records_.back().complete) records_.back().complete = true;
    in_record_ = false;
  }
}

std::string RemoteReport::finish(const sys::ExitStatus& status) {
  return finish_batch(1, status).front();
}

std::vector<std::string> RemoteReport::finish_batch(std::size_t n, const sys::ExitStatus& status) {
  auto all = [n](std::string text) { return std::vector<std::string>(n ? n : 1, text); };
  if (status.crashed()) return all("Zqmail-remote crashed.\n");
  if (status.code == kTemporary) return all("ZUnable to run qmail-remote.\n");
  if (status.code != 0) return all("DUnable to run qmail-remote.\n");
  if (!any_) return all("Zqmail-remote produced no output.\n");
  if (n == 0) n = 1;
  // No recipient records: the message report is every recipient's.
  if (!records_.empty() && is_message_report(records_[0].letter)) {
    const Record& m = records_[0];
    return all(std::string(1, m.letter) + (m.complete ? m.text : ""));
  }
  std::vector<std::string> out;
  if (paired_) {
    // Each recipient record is followed by the message record of its transaction.
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t r = 2 * i;
      bool whole = r + 1 < records_.size() && records_[r].complete && records_[r + 1].complete &&
                   !is_message_report(records_[r].letter) &&
                   is_message_report(records_[r + 1].letter);
      out.push_back(whole ? combine(records_[r], &records_[r + 1])
                          : "Zqmail-remote produced incomplete output.\n");
    }
    return out;
  }
  // The message report follows the n recipient records (qmail's order).
  const Record* message = nullptr;
  for (std::size_t i = n; i < records_.size(); ++i)
    if (records_[i].complete && is_message_report(records_[i].letter)) {
      message = &records_[i];
      break;
    }
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= records_.size() || !records_[i].complete) {
      out.push_back("Zqmail-remote produced incomplete output.\n");
      continue;
    }
    out.push_back(combine(records_[i], message));
  }
  return out;
}

std::string RemoteReport::combine(const Record& rec, const Record* message) {
  int result = rank(message ? message->letter : 0);
  int overall = result;
  if (rec.letter == 's') overall = 0;   // the recipient was deferred
  if (rec.letter == 'h') overall = -1;  // the recipient was refused
  std::string report(1, overall == 1 ? 'K' : overall == 0 ? 'Z' : 'D');
  report += rec.text;
  // The message report explains the recipient's result when it is no better.
  if (message && result <= overall) report += message->text;
  return report;
}

std::string batch_key(const queue::SpawnRequest& req) {
  std::string key = req.message;
  key.push_back('\0');
  key += req.sender;
  key.push_back('\0');
  key += ascii_lower(req.domain());
  return key;
}

std::string worker_batch_key(const queue::SpawnRequest& req) {
  std::string key = req.message;
  key.push_back('\0');
  key += req.sender;
  return key;
}

int run(int, char**) {
  auto fatal = [](const std::string& what) {
    (void)io::write_all(2, "qmail-rspawn: fatal: " + what + "\n");
    return kTemporary;
  };
  auto ids = sys::lookup_qmail_ids();
  if (!ids) return fatal("unable to look up the qmail users: " + ids.error().text());
  if (::chdir(autoconf::kHome) == -1 || ::chdir("queue/mess") == -1)
    return fatal(sys_error("unable to switch to queue/mess").text());
  clean_tcpto();

  queue::SpawnConfig config;
  config.program = "qmail-rspawn";
  config.limit = autoconf::kSpawn;
  config.message_owner = ids->qmailq;
  queue::SpawnOps ops;
  ops.child = [](const queue::SpawnRequest& req) { return child_batch({req}); };
  ops.batch_key = batch_key;
  ops.child_batch = child_batch;
  ops.make_report = [] { return std::make_unique<RemoteReport>(); };
  // Workers, unless $QMAILREMOTE puts another program in qmail-remote's place:
  // that one keeps the interface of one run per delivery.
  const char* other = std::getenv("QMAILREMOTE");
  if (!(other && *other)) {
    ops.worker = worker;
    ops.worker_args = worker_args;
    ops.worker_batch_key = worker_batch_key;
    ops.make_worker_report = [max = config.max_batch] {
      return std::make_unique<RemoteReport>(queue::kMaxSpawnReportText, 2 * max + 1, true);
    };
    ops.affinity = [](const queue::SpawnRequest& req) { return ascii_lower(req.domain()); };
  }
  if (auto st = queue::run_spawn(0, 1, config, ops); !st) return fatal(st.error().text());
  return 0;
}

}  // namespace qmail::rspawn
