#include "qmail-send/scheduler.h"

#include <sys/stat.h>
#include <utime.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <optional>

#include "base/auto.h"
#include "base/str.h"
#include "log/escape.h"
#include "qmail-send/bounce.h"
#include "qmail-send/retry.h"
#include "queue/paths.h"
#include "sys/open.h"

namespace qmail::send {

namespace {
// After trouble with the disk or with qmail-queue, wait this long; qmail
// waits similarly rather than spinning on a broken file.
constexpr std::time_t kTroubleRetry = 60;

constexpr std::string_view kTooOld =
    "I'm not going to try again; this message has been in the queue too long.";

std::string chan_path(Channel c, std::uint64_t id) {
  return queue::path(c == Channel::kLocal ? queue::Dir::kLocal : queue::Dir::kRemote, id,
                     autoconf::kSplit);
}

// The key under which qmail-rspawn joins the recipients of one message into
// one delivery: "" for every remote recipient when its workers take every
// domain at once, else the domain, ASCII case ignored.  None for a local
// recipient (each is a delivery of its own) or one without an '@' (refused
// at once).
std::optional<std::string> batch_key(Channel c, std::string_view rcpt, bool by_domain) {
  auto at = rcpt.rfind('@');
  if (c != Channel::kRemote || at == std::string_view::npos) return std::nullopt;
  if (!by_domain) return std::string();
  return ascii_lower(rcpt.substr(at + 1));
}

void push(std::vector<std::pair<std::time_t, std::uint64_t>>& heap, std::time_t when,
          std::uint64_t id) {
  heap.emplace_back(when, id);
  std::push_heap(heap.begin(), heap.end(), std::greater<>{});
}
}  // namespace

Scheduler::Scheduler(const Log& log, Spawn& local, Spawn& remote, Cleaner& clean,
                     unsigned local_limit, unsigned remote_limit)
    : log_(log), spawns_{&local, &remote}, clean_(clean), spawn_limit_{local_limit, remote_limit} {
  for (int c = 0; c < kChannels; ++c) slots_[c].resize(spawn_limit_[c]);
}

unsigned Scheduler::limit(Channel c) const {
  return std::min(config_->concurrency[idx(c)], spawn_limit_[idx(c)]);
}

void Scheduler::log_status() const {
  log_.status(busy(Channel::kLocal), limit(Channel::kLocal), busy(Channel::kRemote),
              limit(Channel::kRemote));
}

void Scheduler::add_job(std::uint64_t id, Channel c, std::time_t when) {
  push(waiting_[idx(c)], when, id);
}

void Scheduler::add_check(std::uint64_t id, std::time_t when) { push(checks_, when, id); }

void Scheduler::make_all_due(std::time_t now) {
  for (auto& heap : waiting_)
    for (auto& e : heap) e.first = std::min(e.first, now);
  for (auto& heap : waiting_) std::make_heap(heap.begin(), heap.end(), std::greater<>{});
  for (auto& e : checks_) e.first = std::min(e.first, now);
  std::make_heap(checks_.begin(), checks_.end(), std::greater<>{});
}

bool Scheduler::start_pass(Channel c, std::time_t now) {
  auto& heap = waiting_[idx(c)];
  while (!heap.empty() && heap.front().first <= now) {
    std::uint64_t id = heap.front().second;
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    heap.pop_back();
    if (jobs_[idx(c)].count(id)) continue;  // already running: it reschedules itself
    std::string path = chan_path(c, id);
    auto fd = sys::open_read(path);
    if (!fd) {
      if (fd.error().errnum == ENOENT) {
        add_check(id, now);
      } else {
        log_.line({"warning: trouble opening ", path, "; will try again later"});
        add_job(id, c, now + kTroubleRetry);
      }
      continue;
    }
    std::string info = queue::path(queue::Dir::kInfo, id, autoconf::kSplit);
    auto sender = queue::read_info_sender(info);
    struct stat st;
    if (!sender || ::stat(info.c_str(), &st) == -1) {
      log_.line({"warning: trouble reading ", info, "; will try again later"});
      add_job(id, c, now + kTroubleRetry);
      continue;
    }
    Job& job = jobs_[idx(c)][id];
    job.birth = st.st_mtime;
    job.sender = std::move(*sender);
    Pass& p = pass_[idx(c)];
    p.active = true;
    p.id = id;
    p.path = std::move(path);
    p.fd = std::move(*fd);
    p.reader = std::make_unique<queue::RecordReader>(p.fd.get());
    p.held = false;
    return true;
  }
  return false;
}

void Scheduler::end_pass(Channel c, bool unfinished, std::time_t now) {
  Pass& p = pass_[idx(c)];
  if (!p.active) return;
  Job& job = jobs_[idx(c)][p.id];
  job.hit_eof = true;
  // A held recipient was never handed over: still T, it is tried next time.
  if (unfinished || p.held) job.unfinished = true;
  p.active = false;
  p.held = false;
  p.rcpt.clear();
  p.fd.reset();
  p.reader.reset();
  open_[idx(c)].clear();  // the next pass is another message: nothing to join
  maybe_end_job(c, p.id, now);
}

// Reads the pass's file up to its next T record and holds that recipient.
// False when the pass ended instead (end of file or trouble).
bool Scheduler::read_recipient(Channel c, std::time_t now) {
  Pass& p = pass_[idx(c)];
  std::string rec;
  std::uint64_t offset = 0;
  for (;;) {
    auto got = p.reader->next(rec, offset);
    if (!got) {
      log_.line({"warning: trouble reading ", p.path, ": ", got.error().text(),
                 "; will try again later"});
      end_pass(c, true, now);
      return false;
    }
    if (!*got) {
      end_pass(c, false, now);
      return false;
    }
    if (!rec.empty() && rec[0] == 'D') continue;
    if (!rec.empty() && rec[0] == 'T') {
      p.held = true;
      p.offset = offset;
      p.rcpt = rec.substr(1);
      return true;
    }
    log_.line({"warning: unknown record type in ", p.path});
  }
}

// The batch of this dispatch that `rcpt` of the current pass joins, or 0 when
// it needs a new one.  qmail-rspawn groups the requests it reads together by
// message and sender (and domain, without workers), up to kMaxBatch each, in
// the order they come: this mirrors it, so that a batch here is one
// qmail-remote there, which holds one connection at a time.
std::uint64_t Scheduler::open_batch(Channel c, std::string_view rcpt) const {
  auto key = batch_key(c, rcpt, remote_by_domain_);
  if (!key) return 0;
  auto open = open_[idx(c)].find(*key);
  if (open == open_[idx(c)].end()) return 0;
  auto b = batches_[idx(c)].find(open->second);
  if (b == batches_[idx(c)].end() || b->second >= kMaxBatch) return 0;
  return open->second;
}

// Slots bound the recipients in flight, the concurrency the batches.  A
// recipient that needs a new batch when none may start is held in the pass
// (still T in its file) and goes first at the next dispatch.
void Scheduler::dispatch(std::time_t now) {
  for (Channel c : {Channel::kLocal, Channel::kRemote}) {
    Pass& p = pass_[idx(c)];
    while (!stopping_ && !lost_ && used_[idx(c)] < spawn_limit_[idx(c)]) {
      if (!p.active && (busy(c) >= limit(c) || !start_pass(c, now))) break;
      if (!p.held && !read_recipient(c, now)) continue;  // that pass is over
      std::uint64_t batch = open_batch(c, p.rcpt);
      if (batch == 0 && busy(c) >= limit(c)) break;
      if (!deliver(c, batch)) break;
    }
    // qmail-rspawn joins only the requests it gets together, as flush() sends them.
    open_[idx(c)].clear();
    if (auto st = spawns_[idx(c)]->flush(); !st && !lost_) {
      log_.line({"alert: oh no! lost ", c == Channel::kLocal ? "qmail-lspawn" : "qmail-rspawn",
                 " connection! dying..."});
      lost_ = true;
    }
  }
}

// Hands the pass's held recipient to the spawn, in `batch` or (0) a new one.
bool Scheduler::deliver(Channel c, std::uint64_t batch) {
  Pass& p = pass_[idx(c)];
  auto& slots = slots_[idx(c)];
  auto free = std::find_if(slots.begin(), slots.end(), [](const Slot& s) { return !s.used; });
  if (free == slots.end()) return false;  // cannot happen: used < slots
  Job& job = jobs_[idx(c)][p.id];
  if (batch == 0) {
    batch = ++last_batch_;
    if (auto key = batch_key(c, p.rcpt, remote_by_domain_)) open_[idx(c)][*key] = batch;
  }
  ++batches_[idx(c)][batch];
  std::uint64_t id = p.id;
  std::string mess = fmt_u64(queue::split_of(id, autoconf::kSplit)) + "/" + fmt_u64(id);
  unsigned slot = static_cast<unsigned>(free - slots.begin());
  spawns_[idx(c)]->request(slot, mess, job.sender, p.rcpt);
  free->used = true;
  free->id = id;
  free->offset = p.offset;
  free->number = ++deliveries_;
  free->batch = batch;
  free->rcpt = std::move(p.rcpt);
  p.rcpt.clear();
  p.held = false;
  ++used_[idx(c)];
  ++job.inflight;
  log_.line({"starting delivery ", fmt_u64(free->number), ": msg ", fmt_u64(id), " to ",
             channel_name(c), " ", log::escape(free->rcpt)});
  log_status();
  return true;
}

bool Scheduler::handle_reports(Channel c, std::time_t now) {
  auto more = spawns_[idx(c)]->read_reports();
  if (!more || !*more) {
    log_.line({"alert: oh no! lost ", c == Channel::kLocal ? "qmail-lspawn" : "qmail-rspawn",
               " connection! dying..."});
    lost_ = true;
    return false;
  }
  Report r;
  while (spawns_[idx(c)]->next_report(r)) finish_report(c, r, now);
  return true;
}

void Scheduler::finish_report(Channel c, const Report& r, std::time_t now) {
  auto& slots = slots_[idx(c)];
  if (r.slot >= slots.size() || !slots[r.slot].used) {
    log_.line({"warning: internal error: delivery report out of range"});
    return;
  }
  Slot s = std::move(slots[r.slot]);
  slots[r.slot] = Slot{};
  --used_[idx(c)];
  // The batch (the remote connection) ends with the report of its last recipient.
  if (auto b = batches_[idx(c)].find(s.batch); b != batches_[idx(c)].end() && --b->second == 0)
    batches_[idx(c)].erase(b);
  Job& job = jobs_[idx(c)][s.id];
  --job.inflight;
  const std::string path = chan_path(c, s.id);
  const std::string num = fmt_u64(s.number);
  char status = r.status;
  std::string text = r.text;
  if (status == 'Z' && past_lifetime(job.birth, now, config_->queuelifetime)) {
    status = 'D';
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += kTooOld;
  }
  bool done = false;
  switch (status) {
    case 'K':
      log_.line({"delivery ", num, ": success: ", log_text(text)});
      done = true;
      break;
    case 'Z':
      log_.line({"delivery ", num, ": deferral: ", log_text(text)});
      break;
    case 'D':
      log_.line({"delivery ", num, ": failure: ", log_text(text)});
      if (auto st = queue::append_bounce(queue::path(queue::Dir::kBounce, s.id, autoconf::kSplit),
                                         s.rcpt, text);
          !st) {
        log_.line({"alert: unable to append to bounce message: ", st.error().text(),
                   "; will try again later"});
      } else {
        job.bounced = true;
        done = true;
      }
      break;
    default:
      log_.line({"delivery ", num, ": report mangled, will defer"});
      break;
  }
  if (done) {
    if (auto st = queue::mark_done(path, s.offset); !st) {
      log_.line({"warning: trouble marking ", path, ": ", st.error().text(),
                 "; message will be delivered twice!"});
      done = false;
    }
  }
  if (!done) job.unfinished = true;
  log_status();
  maybe_end_job(c, s.id, now);
}

void Scheduler::maybe_end_job(Channel c, std::uint64_t id, std::time_t now) {
  auto it = jobs_[idx(c)].find(id);
  if (it == jobs_[idx(c)].end()) return;
  const Job& job = it->second;
  if (!job.hit_eof || job.inflight > 0) return;
  if (pass_[idx(c)].active && pass_[idx(c)].id == id) return;
  bool unfinished = job.unfinished, bounced = job.bounced;
  std::time_t birth = job.birth;
  jobs_[idx(c)].erase(it);
  if (stopping_) return;  // its file's mtime brings it back at the next start
  if (!unfinished) {
    std::string path = chan_path(c, id);
    if (::unlink(path.c_str()) == -1 && errno != ENOENT) {
      log_.line({"warning: unable to unlink ", path, "; will try again later"});
      add_job(id, c, now + kTroubleRetry);
      return;
    }
    add_check(id, now);
    return;
  }
  add_job(id, c, next_retry(birth, now, c));
  if (bounced) add_check(id, now);
}

void Scheduler::run_checks(std::time_t now, unsigned budget) {
  while (budget-- > 0 && !lost_ && !checks_.empty() && checks_.front().first <= now) {
    std::uint64_t id = checks_.front().second;
    std::pop_heap(checks_.begin(), checks_.end(), std::greater<>{});
    checks_.pop_back();
    check_message(id, now);
  }
}

void Scheduler::check_message(std::uint64_t id, std::time_t now) {
  if (jobs_[0].count(id) || jobs_[1].count(id)) return;  // its end checks again
  const std::string info = queue::path(queue::Dir::kInfo, id, autoconf::kSplit);
  auto have_info = sys::exists(info);
  if (have_info && !*have_info) return;  // finished already, or not preprocessed yet
  if (auto st = send_bounce(*config_, log_, id, now); !st) {
    log_.line({"warning: ", st.error().text(), "; will try again later"});
    add_check(id, now + kTroubleRetry);
    return;
  }
  for (Channel c : {Channel::kLocal, Channel::kRemote}) {
    auto there = sys::exists(chan_path(c, id));
    if (!there) {
      add_check(id, now + kTroubleRetry);
      return;
    }
    if (*there) return;  // still scheduled on that channel
  }
  auto answer = clean_.ask("foop", id);
  if (!answer) {
    log_.line({"alert: oh no! lost qmail-clean connection! dying..."});
    lost_ = true;
    return;
  }
  if (*answer != '+') {
    log_.line({"warning: qmail-clean unable to clean up foop/", fmt_u64(id)});
    add_check(id, now + kTroubleRetry);
    return;
  }
  if (::unlink(info.c_str()) == -1 && errno != ENOENT) {
    log_.line({"warning: unable to unlink ", info, "; will try again later"});
    add_check(id, now + kTroubleRetry);
    return;
  }
  log_.line({"end msg ", fmt_u64(id)});
}

int Scheduler::wait_seconds(std::time_t now, int cap) const {
  std::time_t best = cap;
  auto consider = [&](std::time_t when) {
    best = std::min(best, std::max<std::time_t>(0, when - now));
  };
  for (Channel c : {Channel::kLocal, Channel::kRemote}) {
    // Nothing can start without a free slot and room for a new batch (the
    // batches a recipient may join close with each dispatch).
    if (stopping_ || used_[idx(c)] >= spawn_limit_[idx(c)] || busy(c) >= limit(c)) continue;
    if (pass_[idx(c)].active) consider(now);
    if (!waiting_[idx(c)].empty()) consider(waiting_[idx(c)].front().first);
  }
  if (!checks_.empty()) consider(checks_.front().first);
  return static_cast<int>(best);
}

void Scheduler::stop(std::time_t now) {
  stopping_ = true;
  for (Channel c : {Channel::kLocal, Channel::kRemote}) end_pass(c, true, now);
}

void Scheduler::save_schedule(std::time_t now) const {
  for (Channel c : {Channel::kLocal, Channel::kRemote}) {
    for (const auto& e : waiting_[idx(c)]) {
      std::string path = chan_path(c, e.second);
      struct utimbuf ut = {now, e.first};
      if (::utime(path.c_str(), &ut) == -1 && errno != ENOENT)
        log_.line({"warning: unable to utime ", path, "; it will be tried at once at restart"});
    }
  }
}

}  // namespace qmail::send
