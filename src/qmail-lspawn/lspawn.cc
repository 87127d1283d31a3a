#include "lspawn.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "base/auto.h"
#include "base/exit_code.h"
#include "base/fd.h"
#include "control/cdb.h"
#include "io/writer.h"
#include "parse/users_assign.h"
#include "sys/open.h"

namespace qmail::lspawn {

namespace {
constexpr int kTemporary = as_int(DeliveryExit::kTemporary);
constexpr int kPermanent = as_int(DeliveryExit::kPermanent);
// qmail-getpw's exit codes (qmail-getpw(8), qmail's qlx.h)
constexpr int kGetpwNoAlias = 116;
constexpr int kGetpwExecFailed = 121;

// Puts the reason for a failed delivery into the report and returns `code`.
int say(int code, std::string_view text) {
  std::string line(text);
  line.push_back('\n');
  (void)io::write_all(1, line);
  return code;
}

std::string errno_text() { return std::strerror(errno); }

std::string home_path(const char* rel) { return std::string(autoconf::kHome) + "/" + rel; }

class LocalReport : public queue::SpawnReport {
 public:
  void feed(std::string_view bytes) override { text_.feed(bytes); }
  std::string finish(const sys::ExitStatus& status) override {
    return local_report(status, text_.text());
  }

 private:
  queue::BoundedText text_;
};

// Asks qmail-getpw, as qmailp with no supplementary groups (when root), who
// controls `local`.  A delivery exit code when it cannot say.
Result<parse::UserEntry> ask_getpw(std::string_view local, const Settings& s, int& code) {
  code = kTemporary;
  auto pipe = make_pipe();
  if (!pipe) return temp_error("Temporary failure in qmail-lspawn: unable to create pipe.");
  pid_t pid = ::fork();
  if (pid == -1) return temp_error("Temporary failure in qmail-lspawn: unable to fork.");
  if (pid == 0) {
    // qmail-getpw needs neither the message nor qmail-send's pipes.
    auto null = sys::open_read("/dev/null");
    if (!null || !move_fd_to(null->release(), 0) || !move_fd_to(pipe->write.release(), 1))
      ::_exit(kTemporary);
    if (::geteuid() == 0 && !sys::drop_privileges(s.ids.qmailp, s.ids.nofiles)) ::_exit(kTemporary);
    sys::exec_path(home_path("bin/qmail-getpw"), {"qmail-getpw", std::string(local)});
    ::_exit(kGetpwExecFailed);
  }
  pipe->write.reset();
  std::string out;
  char buf[1024];
  for (;;) {
    ssize_t n = ::read(pipe->read.get(), buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    // Bounded: a longer answer is wrong anyway, and parse_user_fields refuses it.
    if (out.size() <= parse::kMaxUsersValue) out.append(buf, static_cast<std::size_t>(n));
  }
  auto st = sys::wait_for(pid);
  if (!st || st->crashed())
    return temp_error("Temporary failure in qmail-lspawn: qmail-getpw crashed.");
  if (st->code == kGetpwNoAlias) return temp_error("Unable to find alias user! (#4.3.0)");
  if (st->code == kGetpwExecFailed) return temp_error("Unable to run qmail-getpw. (#4.3.0)");
  if (st->code == kPermanent) {
    code = kPermanent;
    return perm_error("Sorry, no mailbox here by that name. (#5.1.1)");
  }
  if (st->code != 0) return temp_error("Temporary failure in qmail-getpw. (#4.3.0)");
  auto e = parse::parse_user_fields(out);
  if (!e) return temp_error("qmail-getpw gave an answer qmail-lspawn cannot read. (#4.3.0)");
  return std::move(*e);
}

// users/cdb first (qmail-users(5)); qmail-getpw when it does not say.
Result<parse::UserEntry> find_user(std::string_view local, const Settings& s, int& code) {
  code = kTemporary;
  auto db = control::Cdb::open("users/cdb");
  if (!db && db.error().errnum != ENOENT)
    return temp_error("Trouble reading users/cdb in qmail-lspawn. (#4.3.0)");
  if (db) {
    auto fetch = [&](std::string_view key) { return db->find(key, parse::kMaxUsersValue); };
    auto found = parse::lookup_users_cdb(local, fetch);
    if (!found) return temp_error("Trouble reading users/cdb in qmail-lspawn. (#4.3.0)");
    if (*found) return std::move(**found);
  }
  return ask_getpw(local, s, code);
}
}  // namespace

std::string local_report(const sys::ExitStatus& status, std::string_view text) {
  if (status.crashed()) return "ZUh-oh: qmail-local crashed.\n";
  std::string out;
  switch (status.code) {
    case 0:
      out = "K";
      break;
    case 111:  // qmail-local's temporary failure
    case 71:   // and what sysexits calls temporary
    case 74:
    case 75:
      out = "Z";
      break;
    default:  // 100 and anything unknown: a permanent failure
      out = "D";
      break;
  }
  out.append(text);
  return out;
}

int deliver(const queue::SpawnRequest& req, const Settings& s) {
  std::string_view local = req.local();
  if (local.empty()) return 0;  // an empty mailbox name is a trash address
  if (::chdir(autoconf::kHome) == -1)
    return say(kTemporary, "Unable to switch to the qmail home directory. (#4.3.0)");
  int code = kTemporary;
  auto user = find_user(local, s, code);
  if (!user) return say(code, user.error().what);
  const parse::UserEntry& u = *user;
  if (u.uid == 0) return say(kTemporary, "Not allowed to perform deliveries as root. (#4.3.0)");
  // In a sandbox nobody is root: deliver only to the user the spawn runs as.
  if (::geteuid() != 0 && ::geteuid() != u.uid)
    return say(kTemporary, "qmail-lspawn is not running as root. (#4.3.0)");
  if (auto st = sys::drop_privileges(u.uid, u.gid); !st)
    return say(kTemporary,
               "Unable to switch to user " + u.user + ": " + st.error().text() + ". (#4.3.0)");
  if (::chdir(u.home.c_str()) == -1)
    return say(kTemporary, "Unable to switch to " + u.home + ": " + errno_text() + ". (#4.3.0)");
  sys::exec_path(home_path("bin/qmail-local"),
                 {"qmail-local", "--", u.user, u.home, std::string(local), u.dash, u.ext,
                  std::string(req.domain()), req.sender, s.default_delivery});
  return say(kTemporary, "Unable to run qmail-local: " + errno_text() + ". (#4.3.0)");
}

int run(int argc, char** argv) {
  auto fatal = [](const std::string& what, int code) {
    (void)io::write_all(2, "qmail-lspawn: fatal: " + what + "\n");
    return code;
  };
  if (argc < 2 || !argv[1]) return fatal("usage: qmail-lspawn defaultdelivery", kPermanent);
  Settings s;
  s.default_delivery = argv[1];
  auto ids = sys::lookup_qmail_ids();
  if (!ids) return fatal("unable to look up the qmail users: " + ids.error().text(), kTemporary);
  s.ids = *ids;
  if (::chdir(autoconf::kHome) == -1 || ::chdir("queue/mess") == -1)
    return fatal("unable to switch to queue/mess: " + errno_text(), kTemporary);

  queue::SpawnConfig config;
  config.program = "qmail-lspawn";
  config.limit = autoconf::kSpawn;
  config.message_owner = s.ids.qmailq;
  queue::SpawnOps ops;
  ops.child = [&s](const queue::SpawnRequest& req) { return deliver(req, s); };
  ops.make_report = [] { return std::make_unique<LocalReport>(); };
  if (auto st = queue::run_spawn(0, 1, config, ops); !st)
    return fatal(st.error().text(), kTemporary);
  return 0;
}

}  // namespace qmail::lspawn
