#include "qmail-send/send.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "base/auto.h"
#include "base/fd.h"
#include "qmail-send/log.h"
#include "qmail-send/peers.h"
#include "qmail-send/scheduler.h"
#include "qmail-send/settings.h"
#include "qmail-send/startup.h"
#include "qmail-send/todo.h"
#include "queue/paths.h"
#include "sys/lock.h"
#include "sys/open.h"
#include "sys/sig.h"

namespace qmail::send {

namespace {
constexpr int kExitTrouble = 111;
// todo/ entries preprocessed and message checks done per round of the loop,
// between which deliveries are dispatched (DESIGN §7).
constexpr unsigned kTodoBatch = 8;
constexpr unsigned kCheckBatch = 32;
// todo/ is looked at this often even when nobody pulls the trigger (qmail: 25 min).
constexpr std::time_t kTodoRescan = 1500;
// Half-queued messages are looked for this often.
constexpr std::time_t kCleanupEvery = 12 * 3600;
// After SIGTERM, deliveries in progress get this long to report.
constexpr std::time_t kTermGrace = 120;
constexpr int kLongestSleep = 3600;

volatile sig_atomic_t flag_term = 0;
volatile sig_atomic_t flag_hup = 0;
volatile sig_atomic_t flag_alrm = 0;
void on_term(int) { flag_term = 1; }
void on_hup(int) { flag_hup = 1; }
void on_alrm(int) { flag_alrm = 1; }

// The trigger fifo: our own write end keeps it from reporting hang-up once
// qmail-queue closes its end, so poll never spins and no trigger is lost while
// it is reopened.
struct Trigger {
  Fd read;
  Fd write;
};

Result<Trigger> open_trigger() {
  Trigger t;
  int r = ::open(queue::kTrigger, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (r == -1) return sys_error("unable to open lock/trigger");
  t.read = Fd(r);
  int w = ::open(queue::kTrigger, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (w == -1) return sys_error("unable to open lock/trigger");
  t.write = Fd(w);
  return t;
}

void drain(int fd) {
  char buf[256];
  for (int i = 0; i < 64 && ::read(fd, buf, sizeof buf) > 0; ++i) {
  }
}

// SIGHUP: the control files are relative to the home, the loop works in the queue.
Result<Config> reload_config(const Log& log) {
  if (::chdir(autoconf::kHome) == -1) return sys_error("unable to switch to home directory");
  auto fresh = load_config();
  for (int tries = 0; ::chdir("queue") == -1; ++tries) {
    log.line({"alert: unable to switch back to queue directory; will try again in ten seconds"});
    if (tries >= 30) return Error{ErrorKind::kBug, errno, "unable to switch back"};
    ::sleep(10);
  }
  return fresh;
}

int cannot_start(const Log& log, const std::string& why) {
  log.line({"alert: cannot start: ", why});
  return kExitTrouble;
}
}  // namespace

int run() {
  Log log(0);
  sys::ignore_signal(SIGPIPE);
  for (int sig : {SIGTERM, SIGHUP, SIGALRM}) sys::block_signal(sig);
  sys::catch_signal(SIGTERM, on_term);
  sys::catch_signal(SIGHUP, on_hup);
  sys::catch_signal(SIGALRM, on_alrm);

  if (::chdir(autoconf::kHome) == -1)
    return cannot_start(log, "unable to switch to home directory");
  auto loaded = load_config();
  if (!loaded) return cannot_start(log, "unable to read controls: " + loaded.error().text());
  Config config = std::move(*loaded);
  if (::chdir("queue") == -1) return cannot_start(log, "unable to switch to queue directory");

  auto mutex = sys::open_write("lock/sendmutex");
  if (!mutex) return cannot_start(log, "unable to open lock/sendmutex: " + mutex.error().text());
  auto locked = sys::try_lock_exclusive(mutex->get());
  if (!locked) return cannot_start(log, "unable to lock lock/sendmutex");
  if (!*locked) return cannot_start(log, "qmail-send is already running");
  auto trigger = open_trigger();
  if (!trigger) return cannot_start(log, trigger.error().text());

  // The peers' pipes are ours alone: qmail-queue, run for bounces, gets none
  // of them (it gets fds 0 and 1 anew; fd 2 stays, a read end it cannot harm).
  for (int fd = 3; fd <= 6; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  Spawn lspawn(1, 2), rspawn(3, 4);
  Cleaner clean(5, 6);
  auto llimit = lspawn.read_limit();
  if (!llimit) return cannot_start(log, "qmail-lspawn did not say how many deliveries it runs");
  auto rlimit = rspawn.read_limit();
  if (!rlimit) return cannot_start(log, "qmail-rspawn did not say how many deliveries it runs");

  Scheduler sched(log, lspawn, rspawn, clean, *llimit, *rlimit);
  sched.set_config(&config);
  // qmail-rspawn runs $QMAILREMOTE once per domain, without workers; it has
  // the same environment (qmail-start's).
  const char* other_remote = std::getenv("QMAILREMOTE");
  sched.set_remote_batch_by_domain(other_remote && *other_remote);
  Preprocessor pre(log, clean);
  pre.set_config(&config);

  std::time_t now = std::time(nullptr);
  if (!load_queue(sched, log, now)) return cannot_start(log, "unable to read the queue");
  if (!remove_half_queued(clean, log, now)) {
    log.line({"alert: oh no! lost qmail-clean connection! dying..."});
    return kExitTrouble;
  }
  log.status(0, std::min(config.concurrency[0], *llimit), 0,
             std::min(config.concurrency[1], *rlimit));

  sigset_t waitmask;
  sigprocmask(SIG_SETMASK, nullptr, &waitmask);
  for (int sig : {SIGTERM, SIGHUP, SIGALRM}) sigdelset(&waitmask, sig);

  std::time_t next_rescan = now + kTodoRescan, next_cleanup = now + kCleanupEvery;
  std::time_t deadline = 0;
  bool stopping = false;
  for (;;) {
    now = std::time(nullptr);
    if (flag_term && !stopping) {
      stopping = true;
      deadline = now + kTermGrace;
      sched.stop(now);
    }
    if (flag_hup) {
      flag_hup = 0;
      auto fresh = reload_config(log);
      if (!fresh && fresh.error().kind == ErrorKind::kBug) return kExitTrouble;
      if (!fresh) {
        log.line({"alert: unable to reread controls: ", fresh.error().text()});
      } else {
        config = std::move(*fresh);
        log.line({"status: control files reread"});
      }
    }
    if (flag_alrm) {
      flag_alrm = 0;
      sched.make_all_due(now);
      pre.want_scan();
    }
    if (stopping && (sched.busy_total() == 0 || now >= deadline)) break;
    if (!stopping) {
      if (now >= next_rescan) {
        pre.want_scan();
        next_rescan = now + kTodoRescan;
      }
      if (now >= next_cleanup) {
        next_cleanup = now + kCleanupEvery;
        if (!remove_half_queued(clean, log, now))
          log.line({"alert: oh no! lost qmail-clean connection! dying..."});
      }
      sched.dispatch(now);
      pre.work(kTodoBatch, now, sched);
      sched.run_checks(now, kCheckBatch);
      sched.dispatch(now);
    }
    if (sched.lost() || pre.lost()) {
      if (pre.lost()) log.line({"alert: oh no! lost qmail-clean connection! dying..."});
      return kExitTrouble;
    }

    int wait = stopping ? 1 : sched.wait_seconds(now, kLongestSleep);
    if (!stopping) {
      if (pre.has_work()) wait = 0;
      wait = static_cast<int>(
          std::min<std::time_t>(wait, std::max<std::time_t>(0, next_rescan - now)));
    }
    // A signal caught while it was unblocked (around a fork) is not seen by ppoll.
    if (flag_term || flag_hup || flag_alrm) wait = 0;
    struct pollfd fds[3] = {{lspawn.report_fd(), POLLIN, 0},
                            {rspawn.report_fd(), POLLIN, 0},
                            {stopping ? -1 : trigger->read.get(), POLLIN, 0}};
    struct timespec ts = {wait, 0};
    int r = ::ppoll(fds, 3, &ts, &waitmask);
    if (r == -1) {
      if (errno != EINTR) {
        log.line({"warning: trouble in select"});
        ::sleep(1);
      }
      continue;
    }
    now = std::time(nullptr);
    if (fds[0].revents && !sched.handle_reports(Channel::kLocal, now)) return kExitTrouble;
    if (fds[1].revents && !sched.handle_reports(Channel::kRemote, now)) return kExitTrouble;
    if (fds[2].revents) {
      drain(trigger->read.get());
      pre.want_scan();
    }
  }
  sched.save_schedule(std::time(nullptr));
  log.line({"status: exiting"});
  return 0;
}

}  // namespace qmail::send
