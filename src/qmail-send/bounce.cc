#include "qmail-send/bounce.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "base/auto.h"
#include "base/str.h"
#include "io/reader.h"
#include "qmail-send/bounce_text.h"
#include "queue/client.h"
#include "queue/paths.h"
#include "queue/records.h"
#include "sys/open.h"

namespace qmail::send {

namespace {
// Streams the recipient paragraphs of bounce/N into the bounce.  A file
// written by qmail itself (plain text, no NUL) is copied as it is.
Status copy_failures(int fd, const std::string& path, queue::Client& out) {
  queue::RecordReader records(fd);
  std::string rcpt, report;
  std::uint64_t off = 0;
  for (;;) {
    bool partial = false;
    auto got = records.next(rcpt, off, &partial);
    if (!got) return Error{got.error().kind, got.error().errnum, "unable to read " + path};
    if (!*got) return {};
    if (partial) {
      out.put(rcpt);
      if (!rcpt.empty() && rcpt.back() != '\n') out.put("\n");
      out.put("\n");
      return {};
    }
    auto more = records.next(report, off, &partial);
    if (!more) return Error{more.error().kind, more.error().errnum, "unable to read " + path};
    if (!*more) report.clear();
    out.put(bounce_paragraph(rcpt, report));
  }
}

// qmail-queue must not inherit the signals qmail-send keeps blocked outside
// its poll (a blocked SIGALRM would disable its timeouts).
Result<std::unique_ptr<queue::Client>> start_queue() {
  sigset_t none, saved;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, &saved);
  auto client = queue::Client::start(false);
  sigprocmask(SIG_SETMASK, &saved, nullptr);
  return client;
}

Status copy_message(int fd, queue::Client& out) {
  io::Reader in(fd);
  char buf[16384];
  for (;;) {
    auto n = in.read(buf, sizeof buf);
    if (!n) return n.error();
    if (*n == 0) return {};
    out.put(std::string_view(buf, *n));
  }
}
}  // namespace

Status send_bounce(const Config& config, const Log& log, std::uint64_t id, std::time_t now) {
  const std::string bpath = queue::path(queue::Dir::kBounce, id, autoconf::kSplit);
  auto bfd = sys::open_read(bpath);
  if (!bfd) {
    if (bfd.error().errnum == ENOENT) return {};
    return bfd.error();
  }
  auto sender = queue::read_info_sender(queue::path(queue::Dir::kInfo, id, autoconf::kSplit));
  if (!sender) return sender.error();
  BounceEnvelope env = bounce_envelope(config.bounce, *sender);
  if (env.kind == BounceKind::kDiscard) {
    log.line({"triple bounce: discarding ", bpath});
  } else {
    const std::string mpath = queue::path(queue::Dir::kMess, id, autoconf::kSplit);
    auto mfd = sys::open_read(mpath);
    if (!mfd) return mfd.error();
    auto client = start_queue();
    if (!client)
      return Error{ErrorKind::kTemporary, client.error().errnum, "unable to start qmail-queue"};
    queue::Client& q = **client;
    q.put(bounce_head(config.bounce, env, id, static_cast<long>(::getpid()), now));
    if (auto st = copy_failures(bfd->get(), bpath, q); !st) return st;
    q.put(bounce_separator(env.kind));
    if (auto st = copy_message(mfd->get(), q); !st)
      return Error{st.error().kind, st.error().errnum, "unable to read " + mpath};
    q.from(env.sender);
    q.to(env.recipient);
    pid_t qp = q.pid();
    if (auto st = q.finish(); !st)
      return Error{ErrorKind::kTemporary, 0,
                   "trouble injecting bounce message: " + st.error().what};
    log.line({"bounce msg ", fmt_u64(id), " qp ", fmt_u64(static_cast<std::uint64_t>(qp))});
  }
  if (::unlink(bpath.c_str()) == -1 && errno != ENOENT)
    return sys_error("unable to unlink " + bpath);
  return {};
}

}  // namespace qmail::send
