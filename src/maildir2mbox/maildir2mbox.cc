#include "maildir2mbox.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/date822.h"
#include "base/exit_code.h"
#include "base/fd.h"
#include "io/writer.h"
#include "mailbox/lines.h"
#include "mailbox/maildir.h"
#include "mailbox/mbox.h"
#include "sys/lock.h"
#include "sys/open.h"

namespace qmail::maildir2mbox {

namespace {
constexpr std::size_t kChunk = 65536;
// The From_ line is built from the first line only when it is a Return-Path
// line of at most this many bytes (qmail-local writes short ones).
constexpr std::size_t kMaxFirstLine = 4096;

Error fail(std::string what, int errnum) {
  return Error{ErrorKind::kTemporary, errnum, std::move(what)};
}

// The From_ line for one message: the sender from its Return-Path line
// ("XXX" when there is none, as qmail writes), the date its delivery date.
Result<std::string> from_line_for(int fd, std::time_t delivered) {
  char buf[kMaxFirstLine];
  ssize_t n;
  do {
    n = ::pread(fd, buf, sizeof buf, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return sys_error("read");
  std::string_view head(buf, static_cast<std::size_t>(n));
  std::size_t nl = head.find('\n');
  std::optional<std::string> sender;
  if (nl != std::string_view::npos) sender = mailbox::return_path_sender(head.substr(0, nl));
  if (!sender) return "From XXX " + date_asctime(delivered) + "\n";
  return mailbox::mbox_from_line(*sender, delivered);
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status copy_all(int from, io::Writer& to, bool* read_failed) {
  std::string buf(kChunk, '\0');
  for (;;) {
    ssize_t r = ::read(from, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      *read_failed = true;
      return sys_error("read");
    }
    if (r == 0) return {};
    if (auto st = to.put(std::string_view(buf.data(), static_cast<std::size_t>(r))); !st) return st;
  }
}
}  // namespace

Status move_to_mbox(const Paths& p, std::vector<std::string>& warnings) {
  mailbox::clean_maildir_tmp(p.maildir, std::time(nullptr));
  auto entries = mailbox::scan_maildir(p.maildir);
  if (!entries) return fail("unable to scan $MAILDIR", entries.error().errnum);
  if (entries->empty()) return {};  // nothing new

  int raw = ::open(p.mbox.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (raw == -1) return sys_error("unable to lock " + p.mbox);
  Fd lock(raw);
  if (auto st = sys::lock_exclusive(lock.get()); !st)
    return fail("unable to lock " + p.mbox, st.error().errnum);
  auto old = sys::open_read(p.mbox);
  if (!old) return fail("unable to read " + p.mbox, old.error().errnum);
  auto tmp = sys::open_trunc(p.mboxtmp, 0600);
  if (!tmp) return fail("unable to create " + p.mboxtmp, tmp.error().errnum);
  struct stat st;
  if (::fstat(old->get(), &st) == 0) (void)::fchmod(tmp->get(), st.st_mode & 07777);

  const std::string write_err = "unable to write to " + p.mboxtmp;
  io::Writer out(tmp->get(), 0, kChunk);
  bool read_failed = false;
  if (auto s = copy_all(old->get(), out, &read_failed); !s)
    return fail(read_failed ? "unable to read " + p.mbox : write_err, s.error().errnum);

  for (const auto& e : *entries) {
    const std::string where = "unable to read $MAILDIR/" + e.name;
    auto msg = sys::open_read(p.maildir + "/" + e.name);
    if (!msg) return fail(where, msg.error().errnum);
    auto from = from_line_for(msg->get(), e.mtime);
    if (!from) return fail(where, from.error().errnum);
    if (auto s = out.put(*from); !s) return fail(write_err, s.error().errnum);
    if (auto s = mailbox::write_mbox_message(msg->get(), out, &read_failed); !s)
      return fail(read_failed ? where : write_err, s.error().errnum);
  }
  if (auto s = out.flush(); !s) return fail(write_err, s.error().errnum);
  if (auto s = sys::sync_fd(tmp->get()); !s) return fail(write_err, s.error().errnum);
  if (auto s = tmp->close(); !s) return fail(write_err, s.error().errnum);
  if (::rename(p.mboxtmp.c_str(), p.mbox.c_str()) == -1)
    return sys_error("unable to move " + p.mboxtmp + " to " + p.mbox);
  // The rename is durable only once the directory is synced (DESIGN §6);
  // before that, removing the messages could lose them.
  if (auto s = sys::sync_dir(parent_dir(p.mbox)); !s) return s;

  for (const auto& e : *entries) {
    if (::unlink((p.maildir + "/" + e.name).c_str()) == -1)
      warnings.push_back(
          fail("$MAILDIR/" + e.name + " will be delivered twice; unable to unlink", errno).text());
  }
  return {};
}

int run() {
  ::umask(077);
  auto say = [](const std::string& s) { (void)io::write_all(2, s + "\n"); };
  const char* mbox = std::getenv("MAIL");
  const char* mboxtmp = std::getenv("MAILTMP");
  const char* maildir = std::getenv("MAILDIR");
  const char* missing = !mbox ? "MAIL" : !mboxtmp ? "MAILTMP" : !maildir ? "MAILDIR" : nullptr;
  if (missing) {
    say(std::string("maildir2mbox: fatal: ") + missing + " not set");
    return as_int(ToolExit::kTemporary);
  }
  std::vector<std::string> warnings;
  Status st = move_to_mbox({maildir, mbox, mboxtmp}, warnings);
  for (const auto& w : warnings) say("maildir2mbox: warning: " + w);
  if (!st) {
    say("maildir2mbox: fatal: " + st.error().text());
    return as_int(ToolExit::kTemporary);
  }
  return as_int(ToolExit::kOk);
}

}  // namespace qmail::maildir2mbox
