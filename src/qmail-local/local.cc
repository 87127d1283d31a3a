#include "local.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <vector>

#include "base/auto.h"
#include "base/exit_code.h"
#include "base/fd.h"
#include "base/str.h"
#include "deliver.h"
#include "environ.h"
#include "io/writer.h"
#include "mailbox/lines.h"
#include "parse/dot_qmail.h"
#include "sys/sig.h"

namespace qmail::local {

namespace {
constexpr const char* kUsage =
    "qmail-local: usage: qmail-local [ -nN ] user homedir local dash ext domain sender "
    "defaultdelivery";
// conf-patrn (configure --with-patrn, default 022): a group- or world-writable
// home directory or .qmail file means someone else may have chosen where this
// user's mail goes.
constexpr mode_t kForbiddenModeBits = autoconf::kPatrn;

void say(int fd, std::string_view s) { (void)io::write_all(fd, s); }

int exit_for(const Error& e) {
  if (!e.what.empty()) say(2, e.what + "\n");
  return as_int(e.temporary() ? DeliveryExit::kTemporary : DeliveryExit::kPermanent);
}

Error temp_report(const std::string& what, int errnum, const char* code) {
  return temp_error(Error{ErrorKind::kTemporary, errnum, what}.text() + ". (" + code + ")");
}

void set_env(const char* name, std::string_view value) {
  ::setenv(name, std::string(value).c_str(), 1);
}

// Errors of open/stat that mean "no such .qmail file" rather than trouble.
bool means_missing(int e) { return e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG || e == ELOOP; }

class Delivery {
 public:
  explicit Delivery(Args a) : a_(std::move(a)) {}
  Status run();

 private:
  Status check_home();
  void set_environment();
  Status find_dot_qmail();
  Status choose_new_sender();
  Result<bool> file_exists(const std::string& name);
  Status follow(const std::vector<parse::DotQmailLine>& lines);
  void report_counts();

  Args a_;
  std::string recipient_, dtline_, rpline_, ufline_, new_sender_;
  Fd dot_qmail_;  // the .qmail file found, if any
  std::string dot_qmail_name_;
  bool forward_only_ = false;  // x bit on .qmail, or "+list"
  unsigned long files_ = 0, forwards_ = 0, programs_ = 0;
  pid_t qp_ = 0;
};

Status Delivery::check_home() {
  if (::chdir(a_.homedir.c_str()) == -1)
    return temp_report("Unable to switch to " + a_.homedir, errno, "#4.3.0");
  struct stat st;
  if (::stat(".", &st) == -1) return temp_report("Unable to stat home directory", errno, "#4.3.0");
  if (st.st_mode & kForbiddenModeBits)
    return temp_error("Uh-oh: home directory is writable. (#4.7.0)");
  if (st.st_mode & S_ISVTX) {
    if (a_.doit)
      return temp_error("Home directory is sticky: user is editing his .qmail file. (#4.2.1)");
    say(2, "Warning: home directory is sticky.\n");
  }
  return {};
}

void Delivery::set_environment() {
  set_env("HOST", a_.host);
  set_env("HOME", a_.homedir);
  set_env("USER", a_.user);
  set_env("LOCAL", a_.local);
  set_env("RECIPIENT", recipient_);
  set_env("DTLINE", dtline_);
  set_env("SENDER", a_.sender);
  set_env("RPLINE", rpline_);
  set_env("UFLINE", ufline_);
  set_env("EXT", a_.ext);
  set_env("EXT2", ext_part(a_.ext, 2));
  set_env("EXT3", ext_part(a_.ext, 3));
  set_env("EXT4", ext_part(a_.ext, 4));
  set_env("HOST2", host_part(a_.host, 2));
  set_env("HOST3", host_part(a_.host, 3));
  set_env("HOST4", host_part(a_.host, 4));
  ::unsetenv("DEFAULT");  // set again below only when a -default file is used
}

Status Delivery::find_dot_qmail() {
  for (auto& c : parse::dot_qmail_candidates(a_.dash, a_.ext)) {
    int fd = ::open(c.name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd == -1) {
      if (means_missing(errno)) continue;
      return temp_report("Unable to open " + c.name, errno, "#4.3.0");
    }
    Fd f(fd);
    struct stat st;
    if (::fstat(f.get(), &st) == -1)
      return temp_report("Unable to open " + c.name, errno, "#4.3.0");
    if (!S_ISREG(st.st_mode)) continue;
    if (st.st_mode & kForbiddenModeBits)
      return temp_error("Uh-oh: .qmail file is writable. (#4.7.0)");
    forward_only_ = (st.st_mode & S_IXUSR) != 0;
    if (c.default_from) set_env("DEFAULT", std::string_view(a_.ext).substr(*c.default_from));
    dot_qmail_ = std::move(f);
    dot_qmail_name_ = c.name;
    return {};
  }
  // dot-qmail(5): only the basic address falls back to defaultdelivery.
  if (!a_.dash.empty()) return perm_error("Sorry, no mailbox here by that name. (#5.1.1)");
  return {};
}

Result<bool> Delivery::file_exists(const std::string& name) {
  struct stat st;
  if (::stat(name.c_str(), &st) == 0) return true;
  if (means_missing(errno) || errno == EACCES) return false;
  return temp_report("Unable to open " + name, errno, "#4.3.0");
}

Status Delivery::choose_new_sender() {
  bool owner = false, owner_default = false;
  if (!a_.sender.empty() && a_.sender != "#@[]") {
    std::string base = ".qmail" + a_.dash + parse::safe_extension(a_.ext) + "-owner";
    auto o = file_exists(base);
    if (!o) return o.error();
    owner = *o;
    if (owner) {
      auto d = file_exists(base + "-default");
      if (!d) return d.error();
      owner_default = *d;
    }
  }
  new_sender_ = new_sender(a_.sender, a_.local, a_.host, owner, owner_default);
  set_env("NEWSENDER", new_sender_);
  return {};
}

Status Delivery::follow(const std::vector<parse::DotQmailLine>& lines) {
  using K = parse::DotQmailKind;
  if (a_.doit) {
    // Refuse a bad x-bit file before delivering anything, so that the retry
    // does not deliver the earlier lines twice.
    bool only = forward_only_;
    for (const auto& l : lines) {
      if (l.kind == K::kList) only = true;
      bool local = l.kind == K::kMbox || l.kind == K::kMaildir || l.kind == K::kProgram;
      if (only && local)
        return temp_error(l.kind == K::kProgram
                              ? "Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)"
                              : "Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)");
    }
  }
  std::vector<std::string> recipients;
  const std::string mbox_head = ufline_ + rpline_ + dtline_;
  const std::string maildir_head = rpline_ + dtline_;
  for (const auto& l : lines) {
    std::string text(l.text);
    bool stop = false;
    switch (l.kind) {
      case K::kBlank:
      case K::kComment:
      case K::kIgnored:
        break;
      case K::kList:
        forward_only_ = true;
        break;
      case K::kMbox:
      case K::kMaildir:
        ++files_;
        if (forward_only_)
          return temp_error("Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)");
        if (!a_.doit) {
          say(1, (l.kind == K::kMaildir ? "maildir " : "mbox ") + text + "\n");
        } else if (auto st = l.kind == K::kMaildir ? deliver_maildir(text, maildir_head, 0)
                                                   : deliver_mbox(text, mbox_head, 0);
                   !st) {
          return st;
        }
        break;
      case K::kProgram:
        ++programs_;
        if (forward_only_)
          return temp_error("Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)");
        if (!a_.doit) {
          say(1, "program " + text + "\n");
        } else {
          auto r = run_program(text, 0);
          if (!r) return r.error();
          stop = *r;
        }
        break;
      case K::kForward:
        ++forwards_;
        if (!a_.doit)
          say(1, "forward " + text + "\n");
        else
          recipients.push_back(std::move(text));
        break;
    }
    if (stop) break;  // exit 99: ignore the rest, but forward what came before
  }
  if (!recipients.empty()) {
    auto qp = forward(dtline_, 0, new_sender_, recipients);
    if (!qp) return qp.error();
    qp_ = *qp;
  }
  return {};
}

void Delivery::report_counts() {
  std::string s =
      "did " + fmt_u64(files_) + "+" + fmt_u64(forwards_) + "+" + fmt_u64(programs_) + "\n";
  if (qp_ > 0) s += "qp " + fmt_u64(static_cast<std::uint64_t>(qp_)) + "\n";
  say(1, s);
}

Status Delivery::run() {
  if (auto st = check_home(); !st) return st;
  recipient_ = a_.local + "@" + a_.host;
  dtline_ = mailbox::delivered_to_line(recipient_);
  rpline_ = mailbox::return_path_line(a_.sender);
  ufline_ = mailbox::mbox_from_line(a_.sender, std::time(nullptr));
  set_environment();
  if (a_.doit) {
    auto loops = message_loops(0, dtline_);
    if (!loops) return loops.error();
    if (*loops)
      return perm_error("This message is looping: it already has my Delivered-To line. (#5.4.6)");
  }
  if (auto st = find_dot_qmail(); !st) return st;
  if (auto st = choose_new_sender(); !st) return st;

  std::string text;
  if (dot_qmail_.valid()) {
    std::string chunk(65536, '\0');
    for (;;) {
      ssize_t r = ::read(dot_qmail_.get(), chunk.data(), chunk.size());
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return temp_report("Unable to read " + dot_qmail_name_, errno, "#4.3.0");
      if (r == 0) break;
      if (text.size() + static_cast<std::size_t>(r) > parse::kMaxDotQmailFile)
        return temp_error("Uh-oh: " + dot_qmail_name_ + " is too large. (#4.2.1)");
      text.append(chunk.data(), static_cast<std::size_t>(r));
    }
    dot_qmail_.reset();
  }
  if (text.empty()) {
    // dot-qmail(5): an empty or missing .qmail means defaultdelivery.
    text = a_.default_delivery;
    forward_only_ = false;
  }
  auto lines = parse::parse_dot_qmail(text);
  if (!lines) return temp_error("Uh-oh: " + lines.error().what + ". (#4.2.1)");
  if (auto st = follow(*lines); !st) return st;
  report_counts();
  return {};
}
}  // namespace

Result<Args> parse_args(int argc, char** argv) {
  Args a;
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view opt = argv[i];
    if (opt == "--") {
      ++i;
      break;
    }
    if (opt.size() < 2 || opt[0] != '-') break;
    for (char c : opt.substr(1)) {
      if (c == 'n')
        a.doit = false;
      else if (c == 'N')
        a.doit = true;
      else
        return perm_error(kUsage);
    }
  }
  if (argc - i != 8) return perm_error(kUsage);
  std::string* fields[] = {&a.user, &a.homedir, &a.local,  &a.dash,
                           &a.ext,  &a.host,    &a.sender, &a.default_delivery};
  for (std::string* f : fields) *f = argv[i++];
  if (a.homedir.empty() || a.homedir[0] != '/') return perm_error(kUsage);
  return a;
}

int run(int argc, char** argv) {
  ::umask(077);
  sys::ignore_signal(SIGPIPE);
  auto args = parse_args(argc, argv);
  if (!args) return exit_for(args.error());
  Delivery d(std::move(*args));
  if (auto st = d.run(); !st) return exit_for(st.error());
  return as_int(DeliveryExit::kOk);
}

}  // namespace qmail::local
