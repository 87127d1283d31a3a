// spawn.h: the loop qmail-lspawn and qmail-rspawn share (qmail's spawn.c).
// qmail-send writes delivery requests on the spawn's fd 0 and reads reports on
// its fd 1, as HACKING.md "qmail-send <-> qmail-lspawn / qmail-rspawn" says:
// at start one byte, the number of simultaneous deliveries; then per request
// slot byte, "S/N" NUL, sender NUL, recipient NUL; per finished delivery slot
// byte, K/Z/D and a report, NUL.
//
// qmail-send is trusted to speak the protocol, but the driver still bounds
// every field and checks every slot: a request that breaks the framing (a slot
// out of range or in use) is a fatal protocol error.  Each delivery runs in a
// child the program supplies; its output is read through a pipe into a
// SpawnReport that keeps a bounded amount of it, while the driver polls every
// pipe and its SIGCHLD self-pipe, so no child ever blocks another.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sys/process.h"

namespace qmail::queue {

/// Longest message path qmail-send sends ("S/N"; qmail's spawn takes 100).
inline constexpr std::size_t kMaxSpawnMessagePath = 100;
/// Longest sender or recipient taken; longer ones are bounced, never buffered.
inline constexpr std::size_t kMaxSpawnAddress = 64 * 1024;
/// Output of a delivery kept for its report, as qmail-lspawn's report truncation.
inline constexpr std::size_t kMaxSpawnReportText = 1000;

struct SpawnRequest {
  unsigned slot = 0;
  std::string message;    // "S/N", relative to queue/mess
  std::string sender;     // may be empty (a bounce)
  std::string recipient;  // holds at least one '@'
  std::size_t at = 0;     // position of the last '@' in recipient

  [[nodiscard]] std::string_view local() const { return std::string_view(recipient).substr(0, at); }
  [[nodiscard]] std::string_view domain() const {
    return std::string_view(recipient).substr(at + 1);
  }
};

/// Collects one delivery's output (in pieces, however much there is: keep a
/// bounded part) and makes its report when the child is gone.
class SpawnReport {
 public:
  virtual ~SpawnReport() = default;
  virtual void feed(std::string_view bytes) = 0;
  /// A status letter, K, Z or D, then human-readable text (no NUL).
  virtual std::string finish(const sys::ExitStatus& status) = 0;
  /// For a child that delivered `n` requests at once (SpawnOps::batch_key):
  /// one report per request, in the order they were given to the child.
  virtual std::vector<std::string> finish_batch(std::size_t n, const sys::ExitStatus& status) {
    std::vector<std::string> out(n, "ZInternal error: this delivery cannot be batched. (#4.3.0)\n");
    if (n > 0) out[0] = finish(status);
    return out;
  }
};

/// Keeps the first `max` bytes of output before any NUL, and says so when there was more.
class BoundedText {
 public:
  explicit BoundedText(std::size_t max = kMaxSpawnReportText) : max_(max) {}
  void feed(std::string_view bytes);
  /// The kept text, with a note at the end when some was dropped.
  [[nodiscard]] std::string text() const;

 private:
  std::size_t max_;
  std::string text_;
  bool truncated_ = false;
  bool stopped_ = false;  // a NUL was seen: the rest is not text
};

struct SpawnOps {
  /// Runs in the forked child with fd 0 the message and fds 1 and 2 the report
  /// pipe.  Execs the delivery program, or returns the exit code for _exit.
  std::function<int(const SpawnRequest&)> child;
  /// A fresh collector for one delivery's output.
  std::function<std::unique_ptr<SpawnReport>()> make_report;

  /// Optional batching: requests that arrive together (in one read from
  /// qmail-send) and have the same non-empty key are delivered by one child,
  /// at most `SpawnConfig::max_batch` at a time; the key must include the
  /// message.  `child_batch` then runs instead of `child`, and each request
  /// still gets its own report (SpawnReport::finish_batch).
  std::function<std::string(const SpawnRequest&)> batch_key;
  std::function<int(const std::vector<SpawnRequest>&)> child_batch;

  /// Optional long-lived workers (queue/worker.h): when `worker` is set, a
  /// request or batch goes to an idle worker, with its message passed over the
  /// socket, instead of to a fresh child; the worker's reply is fed to a
  /// SpawnReport as a child's output would be.  `worker` runs in the forked
  /// child with fd 0 the socket and fd 1 /dev/null (fd 2 is the spawn's) and
  /// execs the worker program.  `worker_args` gives the job's arguments (the
  /// argv a child would get, without argv[0]).  `affinity` picks among idle
  /// workers: one whose last job had the same affinity is preferred (it may
  /// still hold a connection open to the same place).
  std::function<int()> worker;
  std::function<std::vector<std::string>(const std::vector<SpawnRequest>&)> worker_args;
  std::function<std::string(const SpawnRequest&)> affinity;
  /// Optional, with workers: the batch key for jobs (a worker may take
  /// requests a child could not, say at several domains), used instead of
  /// `batch_key`.  A group that finds no worker is split by `batch_key` into
  /// children.  Must include the message.
  std::function<std::string(const SpawnRequest&)> worker_batch_key;
  /// Optional: a fresh collector for a worker's reply (else `make_report`).
  std::function<std::unique_ptr<SpawnReport>()> make_worker_report;
};

struct SpawnConfig {
  std::string program = "qmail-spawn";  // for reports and diagnostics
  unsigned limit = 1;                   // simultaneous deliveries, 1..255
  std::string mess_dir;                 // message paths are relative to it ("" = cwd)
  std::optional<uid_t> message_owner;   // qmailq: a message owned by another uid is refused
  unsigned linger_seconds = 10;         // after a child ends, wait this long for its pipe's EOF
  unsigned max_batch = 100;             // requests per child at most, with SpawnOps::batch_key
  unsigned worker_idle_seconds = 60;    // a worker with no job for this long is let go
  unsigned worker_max_jobs = 1000;      // and so is one that has done this many
};

/// Runs deliveries until qmail-send closes `in` and every delivery is reported.
/// Success at that end (also when `out` has gone away); a temporary error after
/// a protocol error or a failure of the loop itself, once the deliveries
/// already running have been reported.  Installs a SIGCHLD handler and ignores
/// SIGPIPE while it runs.
Status run_spawn(int in, int out, const SpawnConfig& config, const SpawnOps& ops);

}  // namespace qmail::queue
