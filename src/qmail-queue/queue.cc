#include "queue.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/auto.h"
#include "base/date822.h"
#include "base/fd.h"
#include "base/str.h"
#include "io/writer.h"
#include "parse/envelope.h"
#include "queue/message_file.h"
#include "queue/paths.h"
#include "sys/open.h"
#include "sys/priv.h"
#include "sys/sig.h"

namespace qmail::queue {

namespace {

// qmail-queue gives up after a day, well below the 36 hours after which
// qmail-send and qmail-clean take leftovers in pid/ and mess/ for abandoned.
constexpr unsigned kDeathSeconds = 86400;
// pid/<pid>.<time>.<seq>, seq 1..9, as qmail names its pid files.
constexpr unsigned kPidTries = 9;
// Queue files are readable by qmails and qmailr (umask 033 leaves 0644).
constexpr mode_t kFileMode = 0644;
// One read and one write per 64 KiB of message (the pipe size on Linux).
constexpr std::size_t kCopyBuffer = 65536;
constexpr std::size_t kEnvelopeBuffer = 4096;

// The files one run has made.  Whatever is still marked when the run ends
// without handing the message over is removed, so a failed run leaves
// nothing for qmail-send to trip over.  Contents are truncated first, as
// qmail does, so that the space comes back even if an unlink fails.
struct Made {
  std::string pid_path, mess_path, intd_path, todo_path;
  Fd mess, intd;
  bool pid = false;
  bool mess_made = false;
  bool intd_made = false;
  bool handed_over = false;

  Made() = default;
  Made(const Made&) = delete;
  Made& operator=(const Made&) = delete;
  ~Made() {
    if (handed_over) return;
    if (intd_made) {
      (void)!::ftruncate(intd.get(), 0);
      ::unlink(intd_path.c_str());
    }
    if (mess_made) {
      (void)!::ftruncate(mess.get(), 0);
      ::unlink(mess_path.c_str());
    }
    if (pid) ::unlink(pid_path.c_str());
  }
};

// Reads into `buf`, retrying EINTR; -1 on error.
ssize_t read_some(int fd, char* buf, std::size_t n) {
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

// The Received line, then the message as it comes: qmail-queue(8) does not
// look at the message.
QueueExit copy_message(const Caller& caller, int in, int out) {
  std::vector<char> buf(kCopyBuffer);
  std::string received = received_line(caller);
  std::memcpy(buf.data(), received.data(), received.size());
  std::size_t len = received.size();
  for (;;) {
    ssize_t n = read_some(in, buf.data() + len, buf.size() - len);
    if (n < 0) return QueueExit::kReadError;
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
    if (len == buf.size()) {
      if (!io::write_all(out, std::string_view(buf.data(), len))) return QueueExit::kWriteError;
      len = 0;
    }
  }
  if (len > 0 && !io::write_all(out, std::string_view(buf.data(), len)))
    return QueueExit::kWriteError;
  return QueueExit::kOk;
}

// The envelope, record by record, into intd/N behind the u and p records.
// Only one address is held in memory at a time, however many recipients.
QueueExit copy_envelope(const Caller& caller, int in, int out) {
  io::Writer w(out, 0, kEnvelopeBuffer);
  std::string head;
  head += 'u';
  head += fmt_u64(caller.uid);
  head += '\0';
  head += 'p';
  head += fmt_u64(static_cast<std::uint64_t>(caller.pid));
  head += '\0';
  if (!w.put(head)) return QueueExit::kWriteError;

  parse::EnvelopeParser parser;
  char buf[kEnvelopeBuffer];
  for (;;) {
    ssize_t n = read_some(in, buf, sizeof buf);
    if (n < 0) return QueueExit::kReadError;
    std::string_view chunk(buf, static_cast<std::size_t>(n));
    for (;;) {
      parse::EnvelopeEvent ev = n == 0 ? parser.finish() : parser.next(chunk);
      if (ev == parse::EnvelopeEvent::kNeedMore) break;
      if (ev == parse::EnvelopeEvent::kBad) return QueueExit::kBadEnvelope;
      if (ev == parse::EnvelopeEvent::kTooLong) return QueueExit::kAddressTooLong;
      if (ev == parse::EnvelopeEvent::kEnd) {
        // Bytes that came along with the final NUL are a malformed envelope.
        // We do not wait for more: the NUL ends the envelope, and a client
        // may keep its end of the pipe open until we exit.
        if (!chunk.empty()) return QueueExit::kBadEnvelope;
        if (!w.flush()) return QueueExit::kWriteError;
        return QueueExit::kOk;
      }
      std::string_view addr = parser.address();
      if (!w.put(ev == parse::EnvelopeEvent::kSender ? 'F' : 'T') || !w.put(addr) || !w.put('\0'))
        return QueueExit::kWriteError;
    }
  }
}

// Creates pid/<pid>.<time>.<seq>, the file that becomes mess/S/N.
bool open_pid_file(const std::string& queue_dir, const Caller& caller, Made& m) {
  std::string stem = "pid/" + fmt_u64(static_cast<std::uint64_t>(caller.pid)) + "." +
                     fmt_u64(static_cast<std::uint64_t>(caller.now)) + ".";
  for (unsigned seq = 1; seq <= kPidTries; ++seq) {
    m.pid_path = join_path(queue_dir, stem + fmt_u64(seq));
    auto fd = sys::open_excl(m.pid_path, kFileMode);
    if (fd) {
      m.mess = std::move(*fd);
      m.pid = true;
      return true;
    }
  }
  return false;
}

// Creates intd/N.  An intd/N left over from an earlier message with the same
// number cannot belong to a live message: mess/S/N is ours now, so no other
// message has inode N.  Such a leftover is removed and creation retried once.
bool open_intd_file(Made& m) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto fd = sys::open_excl(m.intd_path, kFileMode);
    if (fd) {
      m.intd = std::move(*fd);
      m.intd_made = true;
      return true;
    }
    if (fd.error().errnum != EEXIST || ::unlink(m.intd_path.c_str()) == -1) return false;
  }
  return false;
}

std::optional<uid_t> uid_of(const char* user) {
  auto a = sys::lookup_user(user);
  if (!a) return std::nullopt;
  return a->uid;
}

void die_timeout(int) { ::_exit(as_int(QueueExit::kTimeout)); }  // no cleanup in a handler
void die_bug(int) { ::_exit(as_int(QueueExit::kBug)); }

}  // namespace

std::string received_line(const Caller& caller) {
  std::string s = "Received: (qmail ";
  s += fmt_u64(static_cast<std::uint64_t>(caller.pid));
  s += " invoked ";
  if (caller.alias && caller.uid == *caller.alias) {
    s += "by alias";
  } else if (caller.qmaild && caller.uid == *caller.qmaild) {
    s += "from network";
  } else if (caller.qmails && caller.uid == *caller.qmails) {
    s += "for bounce";
  } else {
    s += "by uid ";
    s += fmt_u64(caller.uid);
  }
  s += "); ";
  s += date822(caller.now);
  s += '\n';
  return s;
}

QueueExit queue_message(const std::string& queue_dir, const Caller& caller, int message_fd,
                        int envelope_fd) {
  Made m;
  if (!open_pid_file(queue_dir, caller, m)) return QueueExit::kQueuePid;
  struct stat st;
  if (::fstat(m.mess.get(), &st) == -1) return QueueExit::kQueuePid;
  // The message number is the inode of its mess file (HACKING.md).
  auto id = static_cast<std::uint64_t>(st.st_ino);
  m.mess_path = join_path(queue_dir, path(Dir::kMess, id, autoconf::kSplit));
  m.intd_path = join_path(queue_dir, path(Dir::kIntd, id, autoconf::kSplit));
  m.todo_path = join_path(queue_dir, path(Dir::kTodo, id, autoconf::kSplit));

  if (::link(m.pid_path.c_str(), m.mess_path.c_str()) == -1) return QueueExit::kQueueMess;
  m.mess_made = true;
  if (::unlink(m.pid_path.c_str()) == -1) return QueueExit::kQueuePid;
  m.pid = false;

  if (auto e = copy_message(caller, message_fd, m.mess.get()); e != QueueExit::kOk) return e;
  if (!open_intd_file(m)) return QueueExit::kQueueIntd;
  if (auto e = copy_envelope(caller, envelope_fd, m.intd.get()); e != QueueExit::kOk) return e;

  // DESIGN §6: once todo/N is durable the message counts as accepted, so
  // everything it leads to must be durable first: both files' contents and
  // the message's name in mess/S (a link is durable on Linux only after its
  // directory is fsynced).  The name in intd/ needs no fsync: todo/N is a
  // second name of the same inode, and recovery reads todo/ only (qmail-clean
  // ignores an intd/N that is already gone).
  if (!sys::sync_fd(m.mess.get()) || !sys::sync_fd(m.intd.get())) return QueueExit::kWriteError;
  std::string mess_dir = m.mess_path.substr(0, m.mess_path.rfind('/'));
  if (!sys::sync_dir(mess_dir)) return QueueExit::kQueueMess;

  if (::link(m.intd_path.c_str(), m.todo_path.c_str()) == -1) return QueueExit::kQueueTodo;
  // From here qmail-send may already be reading todo/N: removing anything
  // would race with it.  A failed fsync is still reported, so the client
  // retries; at worst the message is delivered twice, never lost.
  m.handed_over = true;
  if (!sys::sync_dir(join_path(queue_dir, "todo"))) return QueueExit::kQueueTodo;

  pull_trigger(queue_dir.empty() ? "." : queue_dir);
  return QueueExit::kOk;
}

QueueExit run() {
  // A setuid program inherits its caller's signal mask, umask and open
  // descriptors: trust none of them.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  ::umask(033);
  if (::fcntl(0, F_GETFD) == -1 || ::fcntl(1, F_GETFD) == -1) return QueueExit::kReadError;
  // Nothing is written to fd 2, but a queue file must never become fd 2.
  if (::fcntl(2, F_GETFD) == -1) {
    int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd != 2) return QueueExit::kBug;
  }

  sys::ignore_signal(SIGPIPE);  // the trigger's reader may go away
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF})
    sys::ignore_signal(sig);  // SIGXFSZ then shows up as a write error
  sys::catch_signal(SIGALRM, die_timeout);
  for (int sig : {SIGILL, SIGABRT, SIGFPE, SIGBUS, SIGSEGV}) sys::catch_signal(sig, die_bug);
  ::alarm(kDeathSeconds);

  if (::chdir(autoconf::kHome) == -1) return QueueExit::kQueueHome;
  if (::chdir("queue") == -1) return QueueExit::kQueueDirectory;

  Caller caller;
  caller.uid = ::getuid();
  caller.pid = ::getpid();
  caller.now = ::time(nullptr);
  caller.alias = uid_of(autoconf::kUserAlias);
  caller.qmaild = uid_of(autoconf::kUserQmaild);
  caller.qmails = uid_of(autoconf::kUserQmails);
  return queue_message(".", caller, 0, 1);
}

}  // namespace qmail::queue
