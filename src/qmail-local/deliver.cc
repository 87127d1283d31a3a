#include "deliver.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "environ.h"
#include "io/writer.h"
#include "mailbox/maildir.h"
#include "mailbox/mbox.h"
#include "queue/client.h"
#include "sys/process.h"
#include "sys/sig.h"

namespace qmail::local {

namespace {
constexpr std::size_t kChunk = 65536;
// maildir(5): a delivery must give up after 24 hours.
constexpr unsigned kMaildirTimeout = 24 * 60 * 60;

std::string report(const Error& e, const char* code) { return e.text() + ". (" + code + ")"; }

// The maildir timer: a signal handler may only write and _exit.  The tmp file
// stays behind; readers remove it after 36 hours (maildir(5)).
void maildir_timeout(int) {
  static const char kText[] = "Timeout on maildir delivery. (#4.3.0)\n";
  (void)!::write(2, kText, sizeof kText - 1);
  ::_exit(as_int(DeliveryExit::kTemporary));
}

ssize_t read_some(int fd, char* buf, std::size_t n) {
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}
}  // namespace

Status rewind_message(int fd) {
  if (::lseek(fd, 0, SEEK_SET) == -1) return temp_error("Unable to rewind message. (#4.3.0)");
  return {};
}

Result<bool> message_loops(int fd, std::string_view dtline) {
  if (auto st = rewind_message(fd); !st) return st.error();
  LoopDetector detector(dtline);
  std::string buf(kChunk, '\0');
  for (;;) {
    ssize_t r = read_some(fd, buf.data(), buf.size());
    if (r < 0) return temp_error(report(sys_error("Unable to read message"), "#4.3.0"));
    if (r == 0) return false;
    switch (detector.feed(std::string_view(buf.data(), static_cast<std::size_t>(r)))) {
      case LoopDetector::Verdict::kLoop:
        return true;
      case LoopDetector::Verdict::kClean:
        return false;
      case LoopDetector::Verdict::kMore:
        break;
    }
  }
}

Status deliver_mbox(const std::string& path, std::string_view head, int fd) {
  if (auto st = rewind_message(fd); !st) return st;
  mailbox::MboxFailure why = mailbox::MboxFailure::kNone;
  auto st = mailbox::append_to_mbox(path, head, fd, mailbox::kMboxLockSeconds, &why);
  if (st) return {};
  return temp_error(report(st.error(), why == mailbox::MboxFailure::kOpen ? "#4.2.1" : "#4.3.0"));
}

Status deliver_maildir(const std::string& dir, std::string_view head, int fd) {
  if (auto st = rewind_message(fd); !st) return st;
  mailbox::MaildirFailure why = mailbox::MaildirFailure::kNone;
  sys::catch_signal(SIGALRM, maildir_timeout);
  ::alarm(kMaildirTimeout);
  auto name = mailbox::deliver_to_maildir(dir, head, fd, &why);
  ::alarm(0);
  sys::default_signal(SIGALRM);
  if (name) return {};
  return temp_error(
      report(name.error(), why == mailbox::MaildirFailure::kDirectory ? "#4.2.1" : "#4.3.0"));
}

DeliveryExit classify_program_exit(int code) {
  switch (code) {
    case 0:
      return DeliveryExit::kOk;
    case 99:
      return DeliveryExit::kOkStop;
    case 64:
    case 65:
    case 70:
    case 76:
    case 77:
    case 78:
    case 100:
    case 112:
      return DeliveryExit::kPermanent;
    default:
      return DeliveryExit::kTemporary;
  }
}

Result<bool> run_program(const std::string& command, int fd) {
  if (auto st = rewind_message(fd); !st) return st.error();
  pid_t pid = ::fork();
  if (pid == -1) return temp_error(report(sys_error("Unable to fork"), "#4.3.0"));
  if (pid == 0) {
    sys::default_signal(SIGPIPE);
    sys::exec_path("/bin/sh", {"sh", "-c", command});
    std::string text = report(sys_error("Unable to run /bin/sh"), "#4.3.0") + "\n";
    (void)!::write(2, text.data(), text.size());
    ::_exit(as_int(DeliveryExit::kTemporary));
  }
  auto st = sys::wait_for(pid);
  if (!st) return temp_error(report(st.error(), "#4.3.0"));
  if (st->crashed()) return temp_error("Aack, child crashed. (#4.3.0)");
  switch (classify_program_exit(st->code)) {
    case DeliveryExit::kOk:
      return false;
    case DeliveryExit::kOkStop:
      return true;
    case DeliveryExit::kPermanent:
      return perm_error("");
    case DeliveryExit::kTemporary:
      break;
  }
  return temp_error("");
}

Result<pid_t> forward(std::string_view dtline, int fd, std::string_view sender,
                      const std::vector<std::string>& recipients) {
  if (auto st = rewind_message(fd); !st) return st.error();
  auto client = queue::Client::start(true);
  if (!client) return temp_error(report(client.error(), "#4.3.0"));
  pid_t qp = (*client)->pid();
  (*client)->put(dtline);
  std::string buf(kChunk, '\0');
  for (;;) {
    ssize_t r = read_some(fd, buf.data(), buf.size());
    if (r < 0) {
      // Dropping the client closes both pipes before any envelope: qmail-queue
      // then refuses the message, so nothing half-read is ever queued.
      Error e = sys_error("Unable to read message");
      client->reset();
      return temp_error(report(e, "#4.3.0"));
    }
    if (r == 0) break;
    (*client)->put(std::string_view(buf.data(), static_cast<std::size_t>(r)));
  }
  (*client)->from(sender);
  for (const auto& r : recipients) (*client)->to(r);
  auto st = (*client)->finish();
  if (st) return qp;
  std::string text = "Unable to forward message: " + st.error().text() + ".";
  return st.error().temporary() ? temp_error(text) : perm_error(text);
}

}  // namespace qmail::local
