#include "sendmail.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "base/auto.h"
#include "base/exit_code.h"
#include "inject/inject.h"
#include "io/writer.h"
#include "sys/process.h"

namespace qmail::sendmail {

namespace {

// Options that take an argument, attached or in the next word.  Sendmail's
// set as qmail knows it, plus the DSN options -N and -R and -L (syslog
// label) that today's MUAs pass; all but -f, -F and -b are ignored.
bool takes_argument(char c) { return std::strchr("efpoBFbNRL", c) != nullptr; }

// Options without an argument, all ignored: -v verbose, -i/-oi (a dot line
// ends nothing in qmail-inject anyway), -m, -x, -U (initial submission).
bool flag_option(char c) { return std::strchr("vimtxU", c) != nullptr; }

Plan exec_plan(std::vector<std::string> argv) {
  Plan p;
  p.argv = std::move(argv);
  return p;
}

Plan qread() { return exec_plan({"bin/qmail-qread"}); }

Plan smtpd(bool have_proto) {
  Plan p = exec_plan({"bin/qmail-smtpd"});
  if (!have_proto) {
    // What tcpserver would have set for a local client that may relay.
    p.env = {{"RELAYCLIENT", ""},
             {"DATABYTES", "0"},
             {"PROTO", "TCP"},
             {"TCPLOCALIP", "127.0.0.1"},
             {"TCPLOCALHOST", "localhost"},
             {"TCPREMOTEIP", "127.0.0.1"},
             {"TCPREMOTEHOST", "localhost"},
             {"TCPREMOTEINFO", "sendmail-bs"}};
  }
  return p;
}

Plan usage() {
  Plan p;
  p.action = Plan::Action::kUsage;
  return p;
}

}  // namespace

Plan plan(std::string_view progname, const std::vector<std::string>& args, bool have_proto) {
  bool header_recipients = false;
  std::optional<std::string> sender, name;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (std::size_t j = 1; j < a.size(); ++j) {
      char c = a[j];
      if (c == 'E' || c == 'J') break;  // Sony NEWS-OS: an optional attached argument
      if (flag_option(c)) {
        if (c == 't') header_recipients = true;
        continue;
      }
      if (!takes_argument(c)) return usage();
      std::string value;
      if (j + 1 < a.size())
        value = a.substr(j + 1);
      else if (i + 1 < args.size())
        value = args[++i];
      else
        return usage();
      if (c == 'f') sender = value;
      if (c == 'F') name = value;
      if (c == 'b') {
        if (value.empty()) return usage();
        if (value[0] == 'p') return qread();
        if (value[0] == 's') return smtpd(have_proto);
        if (value[0] != 'm') return usage();
      }
      break;  // the argument used up the rest of this word
    }
  }

  if (progname == "mailq") return qread();
  if (progname == "newaliases") {
    Plan p;
    p.action = Plan::Action::kNewaliases;
    return p;
  }

  Plan p = exec_plan({"bin/qmail-inject", header_recipients ? "-H" : "-a"});
  if (sender) {
    p.argv.push_back("-f");
    p.argv.push_back(*sender);
    std::string_view s = *sender;
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
    if (!s.empty()) {
      // The From field follows the envelope sender: qmail-inject builds it
      // from QMAILUSER and QMAILHOST, and no name from the environment.
      for (const char* v : {"QMAILNAME", "MAILNAME", "NAME", "QMAILHOST", "MAILHOST"})
        p.env.emplace_back(v, std::nullopt);
      std::size_t at = s.rfind('@');
      if (at == std::string_view::npos) {
        p.env.emplace_back("QMAILUSER", std::string(s));
      } else {
        p.env.emplace_back("QMAILHOST", std::string(s.substr(at + 1)));
        p.env.emplace_back("QMAILUSER", std::string(s.substr(0, at)));
      }
    }
  }
  if (name) p.env.emplace_back("QMAILNAME", *name);
  p.argv.push_back("--");
  p.argv.insert(p.argv.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return p;
}

int run(int argc, char** argv) {
  auto say = [](ToolExit code, const std::string& what) {
    std::string line = "sendmail: " + what + "\n";
    (void)io::write_all(2, line);
    return as_int(code);
  };
  std::string_view progname = argc > 0 && argv[0] ? argv[0] : "sendmail";
  if (auto slash = progname.rfind('/'); slash != std::string_view::npos)
    progname = progname.substr(slash + 1);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);

  Plan p = plan(progname, args, std::getenv("PROTO") != nullptr);
  if (p.action == Plan::Action::kUsage)
    return say(ToolExit::kUsage,
               "usage: sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bp ] [ -bs ] [ arg ... ]");
  if (p.action == Plan::Action::kNewaliases)
    return say(ToolExit::kUsage, "fatal: please use fastforward/newaliases instead");

  if (::chdir(autoconf::kHome) == -1)
    return say(ToolExit::kTemporary, "fatal: unable to switch to qmail home directory");
  for (const auto& [var, value] : p.env) {
    int r = value ? ::setenv(var.c_str(), value->c_str(), 1) : ::unsetenv(var.c_str());
    if (r == -1) return say(ToolExit::kTemporary, "fatal: out of memory");
  }
  std::string path = std::string(autoconf::kHome) + "/" + p.argv[0];
  std::string program = p.argv[0].substr(p.argv[0].rfind('/') + 1);
  if (program == "qmail-inject") {
    // The same code as <home>/bin/qmail-inject, run here: one exec less for
    // every message a mail user agent sends (DESIGN §7).
    std::vector<char*> args;
    for (auto& a : p.argv) args.push_back(a.data());
    args.push_back(nullptr);
    return inject::run(static_cast<int>(p.argv.size()), args.data());
  }
  sys::exec_path(path, p.argv);
  return say(ToolExit::kTemporary, "fatal: unable to run " + program + ": " + std::strerror(errno));
}

}  // namespace qmail::sendmail
