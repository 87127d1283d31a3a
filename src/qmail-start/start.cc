#include "start.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "base/auto.h"
#include "base/exit_code.h"
#include "base/fd.h"
#include "base/str.h"
#include "io/writer.h"
#include "sys/priv.h"
#include "sys/process.h"

namespace qmail::start {

namespace {

// qmail-send's descriptors 0..6 are filled below; with them all open, no pipe
// can land on one of them and be clobbered while the others are moved in.
Status occupy_low_fds() {
  for (int fd = 0; fd <= 6; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1) continue;
    int n = ::open("/dev/null", O_RDWR);
    if (n == -1) return sys_error("unable to open /dev/null");
    if (n != fd) {
      // Cannot happen while every lower descriptor is open; be safe anyway.
      if (::dup2(n, fd) == -1) return sys_error("unable to dup");
      ::close(n);
    }
  }
  return {};
}

void say_fatal(int fd, const Error& e) {
  (void)io::write_all(fd, "qmail-start: fatal: " + e.text() + "\n");
}

// In a child after fork: report on fd 2 (which the caller has set up) and exit.
[[noreturn]] void child_die(const Error& e) {
  say_fatal(2, e);
  ::_exit(as_int(DeliveryExit::kTemporary));
}

// In a child: fds 0, 1 and 2 from the pipes (all above 6 and close-on-exec, so
// dup2 cannot clobber one of them), nothing on 3..6.
void wire_child(int in, int out, int err) {
  if (::dup2(err, 2) == -1) child_die(sys_error("unable to dup"));
  if (::dup2(in, 0) == -1 || ::dup2(out, 1) == -1) child_die(sys_error("unable to dup"));
  for (int fd = 3; fd <= 6; ++fd) ::close(fd);
}

struct Channel {
  Pipe command;  // qmail-send writes, the daemon reads on fd 0
  Pipe report;   // the daemon writes on fd 1, qmail-send reads
};

Result<Channel> make_channel() {
  auto c = make_pipe();
  if (!c) return c.error();
  auto r = make_pipe();
  if (!r) return r.error();
  return Channel{std::move(*c), std::move(*r)};
}

// Forks a daemon: `uid` < 0 keeps our uid (qmail-lspawn stays root).
Result<pid_t> spawn_daemon(const Plan& plan, const std::string& name,
                           const std::vector<std::string>& argv, const Channel& ch, int log,
                           bool drop, uid_t uid) {
  pid_t pid = ::fork();
  if (pid == -1) return sys_error("unable to fork");
  if (pid > 0) return pid;
  wire_child(ch.command.read.get(), ch.report.write.get(), log);
  if (drop) {
    if (auto st = sys::drop_privileges(uid, plan.ids.qmail); !st)
      child_die(Error{st.error().kind, st.error().errnum, name + ": " + st.error().what});
  }
  sys::exec_path(plan.bindir + "/" + name, argv);
  child_die(sys_error("unable to run " + plan.bindir + "/" + name));
}

// Forks the logger as qmaill:nofiles reading the log on fd 0; returns the
// pipe's write end, or a copy of our stdout when there is no logger.
Result<Fd> start_logger(const Plan& plan) {
  if (plan.logger.empty()) {
    int fd = ::fcntl(1, F_DUPFD_CLOEXEC, 7);
    if (fd == -1) return sys_error("unable to dup");
    return Fd(fd);
  }
  auto p = make_pipe();
  if (!p) return p.error();
  pid_t pid = ::fork();
  if (pid == -1) return sys_error("unable to fork");
  if (pid == 0) {
    if (::dup2(p->read.get(), 0) == -1) child_die(sys_error("unable to dup"));
    for (int fd = 3; fd <= 6; ++fd) ::close(fd);
    if (auto st = sys::drop_privileges(plan.ids.qmaill, plan.ids.nofiles); !st)
      child_die(Error{st.error().kind, st.error().errnum, "logger: " + st.error().what});
    sys::exec_argv(plan.logger);
    child_die(sys_error("unable to run " + plan.logger[0]));
  }
  return std::move(p->write);
}

}  // namespace

Plan plan_from_args(int argc, char** argv, std::string bindir, const Ids& ids) {
  Plan plan;
  plan.bindir = std::move(bindir);
  plan.ids = ids;
  if (argc > 1) plan.default_delivery = argv[1];
  for (int i = 2; i < argc; ++i) plan.logger.emplace_back(argv[i]);
  return plan;
}

Error start(const Plan& plan) {
  // Without root every daemon runs as the invoking user (a test sandbox):
  // refuse before starting anything unless that is what the ids say.
  if (uid_t me = ::geteuid(); me != 0) {
    for (uid_t u : {plan.ids.qmaill, plan.ids.qmailq, plan.ids.qmailr, plan.ids.qmails})
      if (u != me)
        return perm_error("not running as root, and qmail's users are not all uid " + fmt_u64(me));
  }
  if (auto st = occupy_low_fds(); !st) return st.error();
  // Every daemon but the logger runs with the qmail group alone (as qmail's
  // prot_gid): qmail-lspawn keeps root's uid but none of root's groups.
  if (::geteuid() == 0) {
    if (::setgroups(1, &plan.ids.qmail) == -1) return sys_error("unable to setgroups");
    if (::setgid(plan.ids.qmail) == -1) return sys_error("unable to setgid");
  }
  // Where to complain if qmail-send cannot be run after fd 2 has been given away.
  Fd err(::fcntl(2, F_DUPFD_CLOEXEC, 7));
  if (!err.valid()) return sys_error("unable to dup");

  auto log = start_logger(plan);
  if (!log) return log.error();
  auto local = make_channel();
  if (!local) return local.error();
  auto remote = make_channel();
  if (!remote) return remote.error();
  auto clean = make_channel();
  if (!clean) return clean.error();

  auto l = spawn_daemon(plan, "qmail-lspawn", {"qmail-lspawn", plan.default_delivery}, *local,
                        log->get(), false, 0);
  if (!l) return l.error();
  auto r = spawn_daemon(plan, "qmail-rspawn", {"qmail-rspawn"}, *remote, log->get(), true,
                        plan.ids.qmailr);
  if (!r) return r.error();
  auto c =
      spawn_daemon(plan, "qmail-clean", {"qmail-clean"}, *clean, log->get(), true, plan.ids.qmailq);
  if (!c) return c.error();

  if (auto st = sys::drop_privileges(plan.ids.qmails, plan.ids.qmail); !st)
    return Error{st.error().kind, st.error().errnum, "qmail-send: " + st.error().what};
  // HACKING.md: 0 log, 1/2 qmail-lspawn, 3/4 qmail-rspawn, 5/6 qmail-clean.
  const int want[7] = {log->get(),
                       local->command.write.get(),
                       local->report.read.get(),
                       remote->command.write.get(),
                       remote->report.read.get(),
                       clean->command.write.get(),
                       clean->report.read.get()};
  for (int fd = 0; fd <= 6; ++fd) {
    if (::dup2(want[fd], fd) == -1) {
      Error e = sys_error("unable to dup");
      (void)::dup2(err.get(), 2);
      return e;
    }
  }
  sys::exec_path(plan.bindir + "/qmail-send", {"qmail-send"});
  Error e = sys_error("unable to run " + plan.bindir + "/qmail-send");
  (void)::dup2(err.get(), 2);
  return e;
}

int run(int argc, char** argv) {
  std::string home = autoconf::kHome;
  if (::chdir(home.c_str()) == -1) {
    say_fatal(2, sys_error("unable to chdir to " + home));
    return as_int(DeliveryExit::kTemporary);
  }
  ::umask(077);
  auto ids = sys::lookup_qmail_ids();
  if (!ids) {
    say_fatal(2, ids.error());
    return as_int(DeliveryExit::kTemporary);
  }
  Ids mine{ids->qmaill, ids->qmailq, ids->qmailr, ids->qmails, ids->qmail, ids->nofiles};
  Plan plan = plan_from_args(argc, argv, home + "/bin", mine);
  say_fatal(2, start(plan));
  return as_int(DeliveryExit::kTemporary);
}

}  // namespace qmail::start
