#include "newrcpt.h"

#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include "base/auto.h"
#include "base/exit_code.h"
#include "control/cdb_make.h"
#include "control/control.h"
#include "io/writer.h"
#include "parse/users_assign.h"
#include "sys/open.h"

namespace qmail::newrcpt {

namespace {
constexpr const char* kTarget = "control/recipients.cdb";
constexpr const char* kTemp = "control/recipients.tmp";
// More .qmail files than this in one home (a big mailing-list host has
// thousands) and the home counts as unlisted: bounded memory, permissive.
constexpr std::size_t kMaxDotQmailFiles = 100000;
constexpr std::string_view kDotQmail = ".qmail";

int fatal(std::string_view what) {
  std::string line = "qmail-newrcpt: fatal: ";
  line.append(what);
  line.push_back('\n');
  (void)io::write_all(2, line);
  return as_int(ToolExit::kTemporary);
}

// stat(2) errors that mean "not there" rather than trouble.
bool means_missing(int e) { return e == ENOENT || e == ENOTDIR; }

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// The passwd database, every entry, in order.
Result<std::vector<Account>> read_accounts() {
  std::vector<Account> out;
  ::setpwent();
  for (;;) {
    errno = 0;
    struct passwd* pw = ::getpwent();
    if (!pw) {
      // glibc leaves ENOENT (and some NSS modules other codes) at the end;
      // only these mean the list may be cut short.
      int e = errno;
      ::endpwent();
      if (e == EIO || e == EMFILE || e == ENFILE || e == ENOMEM || e == EAGAIN || e == EINTR) {
        errno = e;
        return sys_error("unable to read the passwd database");
      }
      return out;
    }
    out.push_back({pw->pw_name ? pw->pw_name : "", static_cast<std::uint32_t>(pw->pw_uid),
                   pw->pw_dir ? pw->pw_dir : ""});
  }
}

Status write_recipients(const std::string& bytes) {
  // control/recipients.tmp, fsync, rename: qmail-smtpd sees the old file or
  // the new one, never half of one.
  ::unlink(kTemp);
  auto fd = sys::open_excl(kTemp, 0644);
  if (!fd) return fd.error();
  if (auto st = io::write_all(fd->get(), bytes); !st) return st;
  if (auto st = sys::sync_fd(fd->get()); !st) return st;
  if (auto st = fd->close(); !st) return st;
  if (::rename(kTemp, kTarget) == -1) return sys_error(std::string("unable to move ") + kTemp);
  return sys::sync_dir("control");
}
}  // namespace

Home look_at_home(const std::string& dir, const Warn& warn) {
  Home h;
  struct stat st;
  if (::stat(dir.c_str(), &st) == -1) {
    if (means_missing(errno)) {
      h.missing = true;
      return h;
    }
    warn("unable to stat " + dir + ": " + std::strerror(errno) +
         "; taking all its addresses as deliverable");
    return h;
  }
  h.owner = static_cast<std::uint32_t>(st.st_uid);
  std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
  if (!d) {
    warn("unable to list " + dir + ": " + std::strerror(errno) +
         "; taking all its addresses as deliverable");
    return h;
  }
  for (;;) {
    errno = 0;
    struct dirent* e = ::readdir(d.get());
    if (!e) {
      if (errno != 0) {
        warn("unable to list " + dir + ": " + std::strerror(errno) +
             "; taking all its addresses as deliverable");
        h.dot_qmail.clear();
        return h;
      }
      break;
    }
    std::string_view name = e->d_name;
    if (!name.starts_with(kDotQmail)) continue;
    std::string path = dir + "/" + std::string(name);
    struct stat fst;
    // qmail-local opens the file (following links) and skips what is not a
    // regular file; a file it cannot look at here counts as present.
    if (::stat(path.c_str(), &fst) == 0) {
      if (!S_ISREG(fst.st_mode)) continue;
    } else if (means_missing(errno)) {
      continue;
    }
    if (h.dot_qmail.size() >= kMaxDotQmailFiles) {
      warn("more than " + std::to_string(kMaxDotQmailFiles) + " .qmail files in " + dir +
           "; taking all its addresses as deliverable");
      h.dot_qmail.clear();
      return h;
    }
    h.dot_qmail.emplace_back(name);
  }
  h.listed = true;
  return h;
}

Result<Inputs> gather(const Warn& warn) {
  Inputs in;
  auto locals = control::read_lines("control/locals");
  if (!locals) return locals.error();
  in.locals = std::move(*locals);
  if (in.locals.empty()) {  // qmail-send(8): control/me then
    auto me = control::read_line("control/me");
    if (!me) return me.error();
    if (*me && !(*me)->empty()) in.locals.push_back(**me);
  }
  auto virt = control::read_lines("control/virtualdomains");
  if (!virt) return virt.error();
  in.virtualdomains = std::move(*virt);
  auto percent = control::read_lines("control/percenthack");
  if (!percent) return percent.error();
  in.percenthack = std::move(*percent);

  // qmail-lspawn reads users/cdb; its source is users/assign (qmail-newu(8)).
  auto cdb = sys::exists("users/cdb");
  if (!cdb) return cdb.error();
  if (*cdb) {
    std::string text;
    bool found = false;
    if (auto st = sys::read_file("users/assign", text, parse::kMaxUsersAssignSize + 1, &found); !st)
      return st.error();
    if (!found) return temp_error("users/cdb exists but users/assign does not");
    auto parsed = parse::parse_users_assign(text);
    if (!parsed) return temp_error("bad format in users/assign: " + parsed.error().text());
    in.assignments = std::move(*parsed);
  }

  auto accounts = read_accounts();
  if (!accounts) return accounts.error();
  in.accounts = std::move(*accounts);
  errno = 0;
  if (struct passwd* pw = ::getpwnam(autoconf::kUserAlias); pw && pw->pw_dir)
    in.alias_home = pw->pw_dir;
  else if (errno != 0 && errno != ENOENT && errno != ESRCH)
    return sys_error(std::string("unable to look up user ") + autoconf::kUserAlias);

  for (const auto& dir : homes_needed(in)) in.homes.emplace(dir, look_at_home(dir, warn));
  // A missing home of an account only means it is no user; one that
  // users/assign or the alias user names makes qmail defer that mail.
  std::set<std::string> named;
  for (const auto& a : in.assignments) named.insert(a.entry.home);
  if (in.alias_home) named.insert(*in.alias_home);
  for (const auto& dir : named) {
    auto it = in.homes.find(dir);
    if (it != in.homes.end() && it->second.missing)
      warn(dir + " does not exist; taking all its addresses as deliverable");
  }
  return in;
}

Result<std::string> build_cdb(const std::vector<std::string>& keys) {
  control::CdbMake maker;
  for (const auto& k : keys)
    if (auto st = maker.add(k, ""); !st) return st.error();
  return maker.finish();
}

int run(int argc, char** argv) {
  bool print = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i] ? argv[i] : "";
    if (arg == "-n") {
      print = true;
    } else {
      (void)io::write_all(2, "qmail-newrcpt: usage: qmail-newrcpt [ -n ]\n");
      return as_int(ToolExit::kUsage);
    }
  }
  ::umask(022);
  if (::chdir(autoconf::kHome) == -1)
    return fatal(sys_error(std::string("unable to chdir to ") + autoconf::kHome).text());
  Warn warn = [](std::string_view what) {
    std::string line = "qmail-newrcpt: warning: ";
    line.append(what);
    line.push_back('\n');
    (void)io::write_all(2, line);
  };
  auto in = gather(warn);
  if (!in) return fatal(in.error().text());
  std::vector<std::string> keys = recipient_keys(*in);
  if (print) {
    std::string out;
    for (const auto& k : keys) {
      out += k;
      out.push_back('\n');
    }
    if (auto st = io::write_all(1, out); !st)
      return fatal("unable to write output: " + st.error().text());
    return as_int(ToolExit::kOk);
  }
  auto bytes = build_cdb(keys);
  if (!bytes) return fatal("unable to build " + std::string(kTarget) + ": " + bytes.error().text());
  if (auto st = write_recipients(*bytes); !st)
    return fatal("unable to write " + std::string(kTarget) + ": " + st.error().text());
  return as_int(ToolExit::kOk);
}

}  // namespace qmail::newrcpt
