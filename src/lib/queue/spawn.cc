#include "queue/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <vector>

#include "base/fd.h"
#include "base/str.h"
#include "io/writer.h"
#include "queue/worker.h"
#include "sys/open.h"
#include "sys/sig.h"

namespace qmail::queue {

namespace {
using Clock = std::chrono::steady_clock;

int g_chld_write = -1;  // the self-pipe's write end, for the SIGCHLD handler

extern "C" void note_sigchld(int) {
  int saved = errno;
  if (g_chld_write >= 0) (void)!::write(g_chld_write, "c", 1);
  errno = saved;
}

// Sets SIGCHLD and SIGPIPE up for the loop and puts them back afterwards.
class SignalScope {
 public:
  explicit SignalScope(int chld_write) {
    g_chld_write = chld_write;
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = note_sigchld;
    sa.sa_flags = SA_NOCLDSTOP;
    ::sigaction(SIGCHLD, &sa, &old_chld_);
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    ::sigaction(SIGPIPE, &sa, &old_pipe_);
  }
  ~SignalScope() {
    ::sigaction(SIGCHLD, &old_chld_, nullptr);
    ::sigaction(SIGPIPE, &old_pipe_, nullptr);
    g_chld_write = -1;
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  struct sigaction old_chld_ {};
  struct sigaction old_pipe_ {};
};

bool set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags != -1 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != -1;
}

// One child process: a delivery of one request, or of a batch of them.
struct Child {
  pid_t pid = 0;  // 0 once reaped
  Fd output;      // read end of the report pipe; closed at its end of file
  sys::ExitStatus status;
  Clock::time_point reaped_at;
  std::unique_ptr<SpawnReport> report;
  std::vector<unsigned> slots;  // the requests it delivers, in order
};

// A long-lived worker (SpawnOps::worker): one job at a time over its socket.
struct Worker {
  pid_t pid = 0;  // 0 once reaped
  Fd sock;        // closed when the worker is let go (it exits at the end of file)
  bool busy = false;
  std::string affinity;  // of its last job
  unsigned jobs = 0;
  Clock::time_point idle_since;
  std::unique_ptr<SpawnReport> report;
  std::vector<unsigned> slots;  // the requests of its job, in order
  WorkerReplyReader reply;
};

struct Slot {
  bool used = false;  // from the request until its report is sent
};

class Loop {
 public:
  Loop(int in, int out, const SpawnConfig& config, const SpawnOps& ops)
      : in_(in), out_(out), config_(config), ops_(ops), slots_(config.limit) {}
  Status run();

 private:
  void take_input(const char* p, std::size_t n);
  void append_field(std::string& field, char c, std::size_t max);
  void handle_request();
  void start_pending();
  bool workers() const { return ops_.worker && ops_.worker_args; }
  const std::function<std::string(const SpawnRequest&)>& batch_key_of(bool on_worker) const;
  std::vector<std::vector<SpawnRequest>> child_groups(std::vector<SpawnRequest> group) const;
  void start(std::vector<SpawnRequest> group, bool on_worker);
  std::unique_ptr<SpawnReport> worker_report() const {
    return ops_.make_worker_report ? ops_.make_worker_report() : ops_.make_report();
  }
  bool start_on_worker(const std::vector<SpawnRequest>& group, int mess);
  Worker* pick_worker(const std::string& affinity);
  Worker* spawn_worker();
  void read_worker(Worker& w);
  void report_all(const std::vector<unsigned>& slots, SpawnReport& report,
                  const sys::ExitStatus& status);
  void let_go(Worker& w);
  void retire_workers();
  void send(unsigned slot, std::string_view report);
  void reap_all();
  void reap(Child& c);
  void read_output(Child& c);
  void finish_ready();
  int poll_timeout() const;

  int in_;
  int out_;
  const SpawnConfig& config_;
  const SpawnOps& ops_;
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<Child>> children_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<SpawnRequest> pending_;  // valid requests read, not yet started
  Fd chld_read_;
  bool reading_ = true;
  bool writing_ = true;
  std::optional<Error> fatal_;
  // the request being read: stage 0 slot, 1 message, 2 sender, 3 recipient
  int stage_ = 0;
  SpawnRequest req_;
  bool too_long_ = false;
};

Status Loop::run() {
  auto chld = make_pipe();
  if (!chld) return chld.error();
  if (!set_nonblocking(chld->read.get()) || !set_nonblocking(chld->write.get()))
    return sys_error("unable to set up the SIGCHLD pipe");
  chld_read_ = std::move(chld->read);
  SignalScope signals(chld->write.get());

  char limit = static_cast<char>(config_.limit);
  if (!io::write_all(out_, std::string_view(&limit, 1))) writing_ = false;

  std::vector<pollfd> fds;
  std::vector<Child*> owners;
  std::vector<Worker*> worker_owners;
  // big enough for a whole burst of requests, so that a batch can form
  std::vector<char> buf(64 * 1024);
  for (;;) {
    finish_ready();
    retire_workers();
    bool busy = !children_.empty();
    for (const auto& s : slots_) busy = busy || s.used;
    if (!reading_ && !busy) break;

    fds.clear();
    owners.clear();
    fds.push_back({chld_read_.get(), POLLIN, 0});
    if (reading_) fds.push_back({in_, POLLIN, 0});
    for (auto& c : children_) {
      if (!c->output.valid()) continue;
      fds.push_back({c->output.get(), POLLIN, 0});
      owners.push_back(c.get());
    }
    std::size_t first_worker = fds.size();
    worker_owners.clear();
    for (auto& w : workers_) {
      if (!w->sock.valid()) continue;
      fds.push_back({w->sock.get(), POLLIN, 0});
      worker_owners.push_back(w.get());
    }
    int r = ::poll(fds.data(), fds.size(), poll_timeout());
    if (r == -1) {
      if (errno == EINTR) continue;
      return sys_error("unable to poll");
    }
    if (fds[0].revents) {
      while (::read(chld_read_.get(), buf.data(), buf.size()) > 0) {
      }
    }
    if (fds[0].revents || r == 0) reap_all();  // a SIGCHLD, or the safety timeout
    std::size_t first_output = 1;
    if (reading_) {
      first_output = 2;
      if (fds[1].revents) {
        ssize_t n = ::read(in_, buf.data(), buf.size());
        if (n > 0) {
          take_input(buf.data(), static_cast<std::size_t>(n));
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          reading_ = false;  // qmail-send has gone: finish what runs, then exit
        }
        start_pending();
      }
    }
    for (std::size_t i = first_output; i < first_worker; ++i)
      if (fds[i].revents) read_output(*owners[i - first_output]);
    for (std::size_t i = first_worker; i < fds.size(); ++i)
      if (fds[i].revents) read_worker(*worker_owners[i - first_worker]);
    auto now = Clock::now();
    for (auto& c : children_) {
      // A child that left its output open to a descendant gets a grace period.
      if (c->pid == 0 && c->output.valid() &&
          now - c->reaped_at >= std::chrono::seconds(config_.linger_seconds))
        c->output.reset();
    }
  }
  if (fatal_) return *fatal_;
  return {};
}

int Loop::poll_timeout() const {
  int timeout = -1;
  for (const auto& c : children_) {
    // Running children are also looked at every few seconds, in case a
    // SIGCHLD was ever lost; a reaped one waits at most its grace period.
    int t = 5000;
    if (c->pid == 0) {
      auto left = c->reaped_at + std::chrono::seconds(config_.linger_seconds) - Clock::now();
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
      t = ms < 0 ? 0 : static_cast<int>(ms < 5000 ? ms : 5000);
    }
    if (timeout == -1 || t < timeout) timeout = t;
  }
  for (const auto& w : workers_) {
    // an idle worker is let go after its idle time; one being let go is reaped
    int t = 5000;
    if (w->sock.valid() && !w->busy) {
      auto left = w->idle_since + std::chrono::seconds(config_.worker_idle_seconds) - Clock::now();
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
      t = ms < 0 ? 0 : static_cast<int>(ms < 5000 ? ms : 5000);
    }
    if (timeout == -1 || t < timeout) timeout = t;
  }
  return timeout;
}

void Loop::append_field(std::string& field, char c, std::size_t max) {
  if (field.size() < max) {
    field.push_back(c);
  } else {
    too_long_ = true;  // the rest of the field is dropped, the request bounced
  }
}

void Loop::take_input(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n && reading_; ++i) {
    char c = p[i];
    switch (stage_) {
      case 0:
        req_ = SpawnRequest{};
        req_.slot = static_cast<unsigned char>(c);
        too_long_ = false;
        stage_ = 1;
        break;
      case 1:
        if (c) {
          append_field(req_.message, c, kMaxSpawnMessagePath);
        } else {
          stage_ = 2;
        }
        break;
      case 2:
        if (c) {
          append_field(req_.sender, c, kMaxSpawnAddress);
        } else {
          stage_ = 3;
        }
        break;
      default:
        if (c) {
          append_field(req_.recipient, c, kMaxSpawnAddress);
        } else {
          stage_ = 0;
          handle_request();
        }
        break;
    }
  }
}

void Loop::handle_request() {
  SpawnRequest& req = req_;
  if (req.slot >= slots_.size() || slots_[req.slot].used) {
    // The framing is broken: nothing more qmail-send says can be trusted.
    std::string why = req.slot >= slots_.size() ? " out of range" : " already in use";
    fatal_ = temp_error("protocol error: delivery slot " + fmt_u64(req.slot) + why);
    reading_ = false;
    return;
  }
  if (req.message.empty()) return send(req.slot, "DInternal error: messid too short. (#5.3.5)\n");
  for (std::size_t i = 0; i < req.message.size(); ++i) {
    char c = req.message[i];
    if ((c < '0' || c > '9') && (c != '/' || i == 0))
      return send(req.slot, "DInternal error: messid has nonnumerics. (#5.3.5)\n");
  }
  if (too_long_) return send(req.slot, "DSorry, address or message name too long. (#5.1.3)\n");
  req.at = req.recipient.rfind('@');
  if (req.at == std::string::npos)
    return send(req.slot, "DSorry, address must include host name. (#5.1.3)\n");
  slots_[req.slot].used = true;
  pending_.push_back(std::move(req));
}

void Loop::start_pending() {
  std::vector<SpawnRequest> pending = std::move(pending_);
  pending_.clear();
  std::vector<bool> taken(pending.size(), false);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (taken[i]) continue;
    taken[i] = true;
    std::vector<SpawnRequest> group;
    const auto& key_of = batch_key_of(workers());
    std::string key = key_of ? key_of(pending[i]) : "";
    group.push_back(std::move(pending[i]));
    if (!key.empty())
      for (std::size_t j = i + 1; j < pending.size() && group.size() < config_.max_batch; ++j)
        if (!taken[j] && key_of(pending[j]) == key) {
          taken[j] = true;
          group.push_back(std::move(pending[j]));
        }
    start(std::move(group), workers());
  }
}

// The key that groups requests for a worker (`on_worker`) or a child; empty
// when there is no batching.
const std::function<std::string(const SpawnRequest&)>& Loop::batch_key_of(bool on_worker) const {
  static const std::function<std::string(const SpawnRequest&)> none;
  if (on_worker && ops_.worker_batch_key) return ops_.worker_batch_key;
  return ops_.batch_key && ops_.child_batch ? ops_.batch_key : none;
}

// Splits a worker's group into the groups children take, in order.
std::vector<std::vector<SpawnRequest>> Loop::child_groups(std::vector<SpawnRequest> group) const {
  const auto& key_of = batch_key_of(false);
  std::vector<std::vector<SpawnRequest>> out;
  std::vector<std::string> keys;
  for (SpawnRequest& r : group) {
    std::string key = key_of ? key_of(r) : "";
    std::size_t k = 0;
    while (k < keys.size() && (key.empty() || keys[k] != key)) ++k;
    if (k == keys.size()) {
      keys.push_back(key);
      out.emplace_back();
    }
    out[k].push_back(std::move(r));
  }
  return out;
}

void Loop::start(std::vector<SpawnRequest> group, bool on_worker) {
  const SpawnRequest& req = group.front();
  auto fail = [&](const std::string& report) {
    for (const SpawnRequest& r : group) {
      slots_[r.slot].used = false;
      send(r.slot, report);
    }
  };
  const std::string& me = config_.program;
  std::string path = config_.mess_dir.empty() ? req.message : config_.mess_dir + "/" + req.message;
  auto mess = sys::open_read(path);
  if (!mess) return fail("Z" + me + " unable to open message. (#4.3.0)\n");
  struct stat st;
  if (::fstat(mess->get(), &st) == -1)
    return fail("Z" + me + " unable to fstat message. (#4.3.0)\n");
  if (!S_ISREG(st.st_mode)) return fail("ZSorry, message has wrong type. (#4.3.5)\n");
  // Only qmailq writes the queue: a message owned by anyone else was planted.
  if (config_.message_owner && st.st_uid != *config_.message_owner)
    return fail("ZSorry, message has wrong owner. (#4.3.5)\n");
  if (on_worker) {
    if (start_on_worker(group, mess->get())) return;
    if (ops_.worker_batch_key) {  // no worker: the children's groups may be smaller
      mess->reset();
      for (auto& sub : child_groups(std::move(group))) start(std::move(sub), false);
      return;
    }
  }
  auto pipe = make_pipe();
  if (!pipe) return fail("Z" + me + " unable to create pipe. (#4.3.0)\n");

  pid_t pid = ::fork();
  if (pid == -1) return fail("Z" + me + " unable to fork. (#4.3.0)\n");
  if (pid == 0) {
    sys::default_signal(SIGCHLD);
    sys::default_signal(SIGPIPE);
    g_chld_write = -1;
    if (!move_fd_to(mess->release(), 0) || !move_fd_to(pipe->write.release(), 1) ||
        ::dup2(1, 2) == -1)
      ::_exit(111);
    int code = 111;
    try {
      code = group.size() > 1 ? ops_.child_batch(group) : ops_.child(req);
    } catch (...) {
      code = 111;
    }
    ::_exit(code);
  }
  auto c = std::make_unique<Child>();
  c->pid = pid;
  c->output = std::move(pipe->read);
  c->report = ops_.make_report();
  for (const SpawnRequest& r : group) c->slots.push_back(r.slot);
  children_.push_back(std::move(c));
}

bool Loop::start_on_worker(const std::vector<SpawnRequest>& group, int mess) {
  std::string affinity = ops_.affinity ? ops_.affinity(group.front()) : "";
  std::vector<std::string> args = ops_.worker_args(group);
  // A worker that died while idle is noticed here at the latest: try another.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Worker* w = pick_worker(affinity);
    if (!w) return false;
    if (auto st = send_worker_job(w->sock.get(), mess, args); !st) {
      if (st.error().kind == ErrorKind::kPermanent) return false;  // a child takes this one
      let_go(*w);
      continue;
    }
    w->busy = true;
    w->affinity = affinity;
    ++w->jobs;
    w->reply.reset();
    w->report = worker_report();
    w->slots.clear();
    for (const SpawnRequest& r : group) w->slots.push_back(r.slot);
    return true;
  }
  return false;
}

Worker* Loop::pick_worker(const std::string& affinity) {
  Worker* any = nullptr;
  std::size_t live = 0;
  for (auto& w : workers_) {
    if (!w->sock.valid() || w->pid == 0) continue;
    ++live;
    if (w->busy) continue;
    if (w->affinity == affinity) return w.get();
    // otherwise the one idle longest: its connections are the likeliest to be stale
    if (!any || w->idle_since < any->idle_since) any = w.get();
  }
  if (any || live >= config_.limit) return any;
  return spawn_worker();
}

Worker* Loop::spawn_worker() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) return nullptr;
  Fd mine(sv[0]), theirs(sv[1]);
  pid_t pid = ::fork();
  if (pid == -1) return nullptr;
  if (pid == 0) {
    sys::default_signal(SIGCHLD);
    sys::default_signal(SIGPIPE);
    g_chld_write = -1;
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null == -1 || !move_fd_to(theirs.release(), 0) || !move_fd_to(null, 1)) ::_exit(111);
    int code = 111;
    try {
      code = ops_.worker();
    } catch (...) {
      code = 111;
    }
    ::_exit(code);
  }
  auto w = std::make_unique<Worker>();
  w->pid = pid;
  w->sock = std::move(mine);
  w->idle_since = Clock::now();
  workers_.push_back(std::move(w));
  return workers_.back().get();
}

void Loop::report_all(const std::vector<unsigned>& slots, SpawnReport& report,
                      const sys::ExitStatus& status) {
  std::vector<std::string> reports;
  if (slots.size() == 1)
    reports.push_back(report.finish(status));
  else
    reports = report.finish_batch(slots.size(), status);
  for (std::size_t k = 0; k < slots.size(); ++k) {
    slots_[slots[k]].used = false;
    send(slots[k], k < reports.size() ? reports[k] : "ZInternal error: no report. (#4.3.0)\n");
  }
}

void Loop::read_worker(Worker& w) {
  char buf[4096];
  ssize_t n = ::read(w.sock.get(), buf, sizeof buf);
  if (n == -1 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0 || !w.busy) return let_go(w);  // gone, or speaking out of turn
  switch (w.reply.feed(std::string_view(buf, static_cast<std::size_t>(n)))) {
    case WorkerReplyReader::State::kMore:
      return;
    case WorkerReplyReader::State::kBroken:
      return let_go(w);
    case WorkerReplyReader::State::kDone:
      break;
  }
  w.report->feed(w.reply.reply());
  report_all(w.slots, *w.report, sys::ExitStatus{true, 0, 0});
  w.busy = false;
  w.slots.clear();
  w.report.reset();
  w.reply.reset();
  w.idle_since = Clock::now();
}

void Loop::let_go(Worker& w) {
  w.sock.reset();
  if (w.busy) {
    // its job ended without a whole reply: as if the child had crashed
    if (!w.report) w.report = worker_report();
    report_all(w.slots, *w.report, sys::ExitStatus{false, 0, SIGKILL});
    w.busy = false;
    w.slots.clear();
  }
  if (w.pid != 0) ::kill(w.pid, SIGTERM);  // a worker that broke the protocol may still run
}

void Loop::retire_workers() {
  auto now = Clock::now();
  for (auto& w : workers_)
    if (w->sock.valid() && !w->busy &&
        (w->jobs >= config_.worker_max_jobs ||
         now - w->idle_since >= std::chrono::seconds(config_.worker_idle_seconds)))
      w->sock.reset();  // the worker sees the end of file, closes its connections and exits
  std::erase_if(workers_,
                [](const std::unique_ptr<Worker>& w) { return w->pid == 0 && !w->sock.valid(); });
}

void Loop::send(unsigned slot, std::string_view report) {
  if (!writing_) return;
  std::string msg(1, static_cast<char>(slot));
  msg.append(report.substr(0, report.find('\0')));
  msg.push_back('\0');
  // When qmail-send has gone, deliveries still run to their end; nobody hears.
  if (!io::write_all(out_, msg)) writing_ = false;
}

void Loop::reap_all() {
  for (auto& c : children_)
    if (c->pid != 0) reap(*c);
  for (auto& w : workers_) {
    if (w->pid == 0) continue;
    int status = 0;
    pid_t r = ::waitpid(w->pid, &status, WNOHANG);
    if (r == w->pid || (r == -1 && errno == ECHILD)) w->pid = 0;  // its socket says the rest
  }
}

void Loop::reap(Child& c) {
  int w = 0;
  pid_t r = ::waitpid(c.pid, &w, WNOHANG);
  if (r == 0 || (r == -1 && errno == EINTR)) return;
  if (r == c.pid) {
    c.status.exited = WIFEXITED(w);
    c.status.code = WIFEXITED(w) ? WEXITSTATUS(w) : 0;
    c.status.signal = WIFSIGNALED(w) ? WTERMSIG(w) : 0;
  } else {
    c.status = {false, 0, 0};  // lost: report it as a crash, so mail is retried
  }
  c.pid = 0;
  c.reaped_at = Clock::now();
}

void Loop::read_output(Child& c) {
  char buf[4096];
  ssize_t n = ::read(c.output.get(), buf, sizeof buf);
  if (n > 0) {
    c.report->feed(std::string_view(buf, static_cast<std::size_t>(n)));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    c.output.reset();
    if (c.pid != 0) reap(c);  // usually gone by now: report without waiting for SIGCHLD
  }
}

void Loop::finish_ready() {
  for (std::size_t i = 0; i < children_.size();) {
    Child& c = *children_[i];
    if (c.pid != 0 || c.output.valid()) {
      ++i;
      continue;
    }
    report_all(c.slots, *c.report, c.status);
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}
}  // namespace

void BoundedText::feed(std::string_view bytes) {
  if (stopped_) return;
  auto nul = bytes.find('\0');
  if (nul != std::string_view::npos) {
    bytes = bytes.substr(0, nul);
    stopped_ = true;
  }
  std::size_t room = max_ - text_.size();
  if (bytes.size() > room) truncated_ = true;
  text_.append(bytes.substr(0, room));
}

std::string BoundedText::text() const {
  if (!truncated_) return text_;
  return text_ + "\nError report too long, sorry.\n";
}

Status run_spawn(int in, int out, const SpawnConfig& config, const SpawnOps& ops) {
  if (config.limit < 1 || config.limit > 255)
    return Error{ErrorKind::kBug, 0, "spawn limit must be 1..255"};
  Loop loop(in, out, config, ops);
  return loop.run();
}

}  // namespace qmail::queue
