// run.cc: qmail-pw2u's I/O: the rules in <home>/users, the passwd file on
// stdin, home directories, and the assign file on stdout.
#include <sys/stat.h>

#include <cerrno>

#include "base/auto.h"
#include "base/exit_code.h"
#include "base/str.h"
#include "control/control.h"
#include "io/reader.h"
#include "io/writer.h"
#include "log/escape.h"
#include "pw2u.h"
#include "sys/open.h"

namespace qmail::pw2u {

namespace {

constexpr std::string_view kUsage = "qmail-pw2u: usage: qmail-pw2u [ -/ohHuUC ] [ -cchar ]\n";

int fatal(std::string_view what) {
  std::string line = "qmail-pw2u: fatal: ";
  line.append(what);
  line += '\n';
  (void)io::write_all(2, line);
  return as_int(ToolExit::kTemporary);
}

// Whether the account's home passes the -o/-h/-H rule: true to use it,
// false to skip it, an error to stop.
Result<bool> home_ok(const parse::PasswdEntry& e, HomeCheck check) {
  if (check == HomeCheck::kNone) return true;
  struct stat st;
  if (::stat(e.home.c_str(), &st) == -1) {
    if ((errno == ENOENT || errno == ENOTDIR) && check == HomeCheck::kSkipMissing) return false;
    return sys_error("unable to stat " + log::escape(e.home));
  }
  return st.st_uid == e.uid;
}

Result<Rules> read_rules(const std::string& users) {
  Rules rules;
  auto set_of = [&](const char* name, std::optional<control::StringSet>& out) -> Status {
    auto exists = sys::exists(users + name);
    if (!exists) return exists.error();
    if (!*exists) return {};
    auto lines = control::read_lines(users + name);
    if (!lines) return lines.error();
    out.emplace(*lines);
    return {};
  };
  if (auto st = set_of("include", rules.include); !st) return st.error();
  if (auto st = set_of("exclude", rules.exclude); !st) return st.error();
  auto names = control::read_lines(users + "mailnames");
  if (!names) return names.error();
  add_mailnames(rules, *names);
  return rules;
}

// A whole users/ file as lines, or nothing when it does not exist.
Result<std::vector<std::string>> raw_lines(const std::string& path) {
  std::string data;
  bool found = false;
  if (auto st = sys::read_file(path, data, control::kMaxControlFile, &found); !st)
    return st.error();
  std::vector<std::string> lines;
  std::string_view v = data;
  while (!v.empty()) {
    auto nl = v.find('\n');
    lines.emplace_back(v.substr(0, nl));
    v = nl == std::string_view::npos ? std::string_view{} : v.substr(nl + 1);
  }
  return lines;
}

}  // namespace

int run_in(const std::vector<std::string>& args, const std::string& home, int in_fd, int out_fd) {
  auto opts = parse_args(args);
  if (!opts) {
    (void)io::write_all(2, kUsage);
    return as_int(ToolExit::kUsage);
  }
  const std::string users = home + "/users/";
  auto rules = read_rules(users);
  if (!rules) return fatal("unable to read controls: " + rules.error().text());

  io::Writer out(out_fd, 0, 65536);
  io::Reader in(in_fd);
  std::unordered_map<std::string, std::string> accounts;  // for users/subusers
  bool have_alias = false;
  std::string line;
  for (;;) {
    auto got = in.getline(line, '\n', parse::kMaxPasswdLine);
    if (!got) return fatal("unable to read input: " + got.error().text());
    if (!*got) break;
    // Lines that are not accounts (comments, NIS "+" entries) are skipped.
    auto e = parse::parse_passwd_line(line);
    if (!e || !wanted(*e, *opts, *rules)) continue;
    auto ok = home_ok(*e, opts->home);
    if (!ok) return fatal(ok.error().text());
    if (!*ok) continue;
    accounts.emplace(ascii_lower(e->user), account_fields(*e));
    if (e->user == autoconf::kUserAlias) have_alias = true;
    if (!out.put(account_lines(*e, *opts, *rules, autoconf::kUserAlias)))
      return fatal("unable to write output");
  }
  // Without the catch-all, mail to unknown addresses would have nowhere to go.
  if (!have_alias) return fatal(std::string("unable to find ") + autoconf::kUserAlias + " user");

  auto subusers = raw_lines(users + "subusers");
  if (!subusers) return fatal("unable to read controls: " + subusers.error().text());
  for (const auto& s : *subusers) {
    if (s.empty() || s.front() == '#') continue;
    auto lines = subuser_lines(s, accounts, *opts);
    if (!lines) return fatal(log::escape(lines.error().what));
    if (!out.put(*lines)) return fatal("unable to write output");
  }
  auto append = raw_lines(users + "append");
  if (!append) return fatal("unable to read controls: " + append.error().text());
  for (const auto& a : *append) {
    if (!out.put(a) || !out.put('\n')) return fatal("unable to write output");
  }
  if (!out.put(".\n") || !out.flush()) return fatal("unable to write output");
  return as_int(ToolExit::kOk);
}

int run(int argc, char** argv) {
  return run_in(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc), autoconf::kHome,
                0, 1);
}

}  // namespace qmail::pw2u
