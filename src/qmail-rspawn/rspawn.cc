#include "rspawn.h"

#include <unistd.h>

#include <cstdlib>

#include "base/auto.h"
#include "base/exit_code.h"
#include "io/writer.h"
#include "sys/open.h"
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
void clean_tcpto() {
  auto fd = sys::open_write("../lock/tcpto");
  if (!fd) return;  // no table yet: nothing to forget
  std::string zeros(1024, '\0');
  (void)io::write_all(fd->get(), zeros);
}

int child(const queue::SpawnRequest& req) {
  std::vector<std::string> argv = {"qmail-remote", std::string(req.domain()), req.sender,
                                   req.recipient};
  // $QMAILREMOTE names another program (a filter in front of qmail-remote), as notqmail has it.
  const char* other = std::getenv("QMAILREMOTE");
  if (other && *other) {
    argv[0] = other;
    sys::exec_argv(argv);
  } else {
    sys::exec_path(std::string(autoconf::kHome) + "/bin/qmail-remote", argv);
  }
  return kTemporary;  // could not run it: keep the mail and try again later
}
}  // namespace

void RemoteReport::feed(std::string_view bytes) {
  for (char c : bytes) {
    any_ = true;
    Record* rec = records_ == 0 ? &first_ : records_ == 1 ? &second_ : nullptr;
    if (!in_record_) {
      in_record_ = true;
      current_ = c;
      if (rec) rec->letter = c;
      if (c != '\0') continue;  // else: an empty record, ending here
    } else if (c != '\0') {
      if (rec && rec->text.size() < max_) rec->text.push_back(c);
      continue;
    }
    // the NUL ending a record
    if (rec) rec->complete = true;
    if (!result_ && is_message_report(current_)) result_ = current_;
    if (records_ < 2) ++records_;
    in_record_ = false;
  }
}

std::string RemoteReport::finish(const sys::ExitStatus& status) {
  if (status.crashed()) return "Zqmail-remote crashed.\n";
  if (status.code == kTemporary) return "ZUnable to run qmail-remote.\n";
  if (status.code != 0) return "DUnable to run qmail-remote.\n";
  if (!any_) return "Zqmail-remote produced no output.\n";
  int result = rank(result_);
  int overall = result;
  if (first_.letter == 's') overall = 0;   // the recipient was deferred
  if (first_.letter == 'h') overall = -1;  // the recipient was refused
  std::string out(1, overall == 1 ? 'K' : overall == 0 ? 'Z' : 'D');
  if (first_.complete) {
    out += first_.text;
    // The message report explains the recipient's result when it is no better.
    if (result <= overall && is_message_report(second_.letter)) out += second_.text;
  }
  return out;
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
  ops.child = child;
  ops.make_report = [] { return std::make_unique<RemoteReport>(); };
  if (auto st = queue::run_spawn(0, 1, config, ops); !st) return fatal(st.error().text());
  return 0;
}

}  // namespace qmail::rspawn
