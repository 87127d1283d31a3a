// scheduler.h: qmail-send's delivery scheduling.  Each (message, channel) with
// pending recipients waits in a priority queue by its next retry time; when it
// is due and a spawn slot is free, one pass reads its local/ or remote/ file
// record by record (memory stays bounded whatever its size) and hands each `T`
// recipient to the spawn.  Concurrency counts deliveries: a local recipient is
// one, while qmail-rspawn gives the recipients of one message that it gets
// together to one qmail-remote worker (which holds one SMTP connection at a
// time; per domain with $QMAILREMOTE), so a remote delivery is such a batch.
// Reports come back per slot; results are checkpointed in the file (mark_done)
// and permanent failures go to bounce/N first.  A message whose files have no
// `T` left gets its bounce sent and is removed.  Runs inside the queue
// directory; queue files are trusted in format only.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/fd.h"
#include "qmail-send/log.h"
#include "qmail-send/peers.h"
#include "qmail-send/rewrite.h"
#include "qmail-send/settings.h"
#include "queue/records.h"

namespace qmail::send {

class Scheduler {
 public:
  /// Recipients qmail-rspawn gives one qmail-remote at most (its
  /// SpawnConfig::max_batch); a remote batch holds no more.
  static constexpr unsigned kMaxBatch = 100;

  /// `limits` are the spawns' concurrency bytes; the config may lower them.
  Scheduler(const Log& log, Spawn& local, Spawn& remote, Cleaner& clean, unsigned local_limit,
            unsigned remote_limit);

  void set_config(const Config* config) { config_ = config; }
  /// Whether qmail-rspawn gives each domain of a message its own qmail-remote
  /// (with $QMAILREMOTE: one run per domain), rather than one worker job for
  /// all of them (the default); a remote batch follows the same split.
  void set_remote_batch_by_domain(bool by_domain) { remote_by_domain_ = by_domain; }

  /// A (message, channel) job due at `when`.
  void add_job(std::uint64_t id, Channel c, std::time_t when);
  /// The message is to be checked at `when`: bounce sent, removed when finished.
  void add_check(std::uint64_t id, std::time_t when);
  /// SIGALRM: everything waiting is due now.
  void make_all_due(std::time_t now);

  /// Starts deliveries while slots are free and jobs are due.
  void dispatch(std::time_t now);
  /// Reads and handles what the spawn of `c` reported.  False when it is gone.
  bool handle_reports(Channel c, std::time_t now);
  /// Handles up to `budget` due message checks.
  void run_checks(std::time_t now, unsigned budget);

  /// Seconds until something is due (capped at `cap`), 0 when something is.
  [[nodiscard]] int wait_seconds(std::time_t now, int cap) const;
  /// SIGTERM: no new deliveries; the passes in progress stop.
  void stop(std::time_t now);
  /// Deliveries in flight on `c`: recipients on the local channel, batches
  /// (SMTP connections) on the remote one.  This is what the concurrency limits.
  [[nodiscard]] unsigned busy(Channel c) const {
    return static_cast<unsigned>(batches_[idx(c)].size());
  }
  [[nodiscard]] unsigned busy_total() const {
    return busy(Channel::kLocal) + busy(Channel::kRemote);
  }
  /// Recipients in flight on `c` (each holds a spawn slot).
  [[nodiscard]] unsigned in_flight(Channel c) const { return used_[idx(c)]; }
  /// Records each waiting job's next retry time as its file's mtime, so a
  /// restarted qmail-send keeps the schedule (qmail does the same).
  void save_schedule(std::time_t now) const;
  /// True when a peer was lost; the caller exits 111.
  [[nodiscard]] bool lost() const { return lost_; }

 private:
  using Entry = std::pair<std::time_t, std::uint64_t>;  // (when, message)
  struct Job {
    std::time_t birth = 0;
    std::string sender;
    unsigned inflight = 0;
    bool hit_eof = false;
    bool unfinished = false;  // a recipient is still T after this pass
    bool bounced = false;
  };
  struct Pass {
    bool active = false;
    std::uint64_t id = 0;
    std::string path;
    Fd fd;
    std::unique_ptr<queue::RecordReader> reader;
    // The `T` record read last and not handed over yet: it waits for a remote
    // batch to end.  It stays `T` in the file until a delivery takes it.
    bool held = false;
    std::uint64_t offset = 0;
    std::string rcpt;
  };
  struct Slot {
    bool used = false;
    std::uint64_t id = 0;
    std::uint64_t offset = 0;
    std::uint64_t number = 0;
    std::uint64_t batch = 0;
    std::string rcpt;
  };

  static int idx(Channel c) { return static_cast<int>(c); }
  unsigned limit(Channel c) const;
  bool start_pass(Channel c, std::time_t now);
  void end_pass(Channel c, bool unfinished, std::time_t now);
  bool read_recipient(Channel c, std::time_t now);
  std::uint64_t open_batch(Channel c, std::string_view rcpt) const;
  bool deliver(Channel c, std::uint64_t batch);
  void finish_report(Channel c, const Report& r, std::time_t now);
  void maybe_end_job(Channel c, std::uint64_t id, std::time_t now);
  void check_message(std::uint64_t id, std::time_t now);
  void log_status() const;

  const Log& log_;
  Spawn* spawns_[kChannels];
  Cleaner& clean_;
  const Config* config_ = nullptr;
  unsigned spawn_limit_[kChannels];
  unsigned used_[kChannels] = {0, 0};  // slots in use: recipients in flight
  std::vector<Slot> slots_[kChannels];
  // Per batch in flight, its recipients still without a report.
  std::map<std::uint64_t, unsigned> batches_[kChannels];
  // The remote batches a recipient may still join: those of the current pass
  // opened in this dispatch() (sent together at its flush), by batch key.
  std::map<std::string, std::uint64_t> open_[kChannels];
  std::uint64_t last_batch_ = 0;
  std::vector<Entry> waiting_[kChannels];  // min-heaps by time
  std::vector<Entry> checks_;
  std::map<std::uint64_t, Job> jobs_[kChannels];
  Pass pass_[kChannels];
  std::uint64_t deliveries_ = 0;
  bool stopping_ = false;
  bool lost_ = false;
  bool remote_by_domain_ = false;
};

}  // namespace qmail::send
