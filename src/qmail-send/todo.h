// todo.h: preprocessing of new messages (qmail-send(8), HACKING.md).  For each
// todo/N written by qmail-queue: read the envelope, rewrite each recipient
// (rewrite.h) into local/S/N or remote/S/N, write info/S/N, fsync them and
// their directories, then have qmail-clean remove todo/N and intd/N.  Work is
// taken in small batches between delivery rounds, so a flood of new mail never
// starves deliveries (DESIGN §7).  The envelope is written by qmail-queue
// (trusted format) but its addresses are untrusted bytes; records are bounded.
#pragma once

#include <cstdint>
#include <ctime>
#include <deque>

#include "qmail-send/log.h"
#include "qmail-send/peers.h"
#include "qmail-send/scheduler.h"
#include "qmail-send/settings.h"

namespace qmail::send {

class Preprocessor {
 public:
  Preprocessor(const Log& log, Cleaner& clean) : log_(log), clean_(clean) {}
  void set_config(const Config* config) { config_ = config; }

  /// Asks for another look at todo/ (the trigger was pulled, or it is time).
  void want_scan() { scan_wanted_ = true; }
  [[nodiscard]] bool has_work() const { return !list_.empty() || scan_wanted_; }
  /// Preprocesses up to `budget` messages, handing each finished one to `sched`.
  void work(unsigned budget, std::time_t now, Scheduler& sched);
  /// True when qmail-clean was lost; the caller exits 111.
  [[nodiscard]] bool lost() const { return lost_; }

 private:
  void scan();
  void process(std::uint64_t id, std::time_t now, Scheduler& sched);

  const Log& log_;
  Cleaner& clean_;
  const Config* config_ = nullptr;
  std::deque<std::uint64_t> list_;
  bool scan_wanted_ = true;
  bool lost_ = false;
};

}  // namespace qmail::send
