#include "instcheck.h"

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "base/auto.h"
#include "base/exit_code.h"
#include "hier.h"
#include "io/writer.h"
#include "manifest.h"

namespace qmail::instcheck {

namespace {

void say(int fd, std::string_view prog, std::string_view kind, std::string_view text) {
  std::string line;
  line.append(prog).append(": ").append(kind).append(text).append("\n");
  (void)io::write_all(fd, line);
}

int fatal(std::string_view prog, const Error& e) {
  say(2, prog, "fatal: ", e.text());
  return as_int(ToolExit::kTemporary);  // as qmail's tools: 111 for any trouble
}

// argv[1], when given, replaces the configured home (for a DESTDIR tree or a test).
bool home_from_args(std::string_view prog, int argc, char** argv, std::string& home) {
  home = autoconf::kHome;
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
    say(2, prog, "usage: ", std::string(prog) + " [home]");
    return false;
  }
  if (argc == 2) home = argv[1];
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  return true;
}

}  // namespace

int run_instcheck(int argc, char** argv) {
  constexpr std::string_view prog = "instcheck";
  std::string home;
  if (!home_from_args(prog, argc, argv, home)) return as_int(ToolExit::kUsage);
  auto items = installed_items();
  if (!items) return fatal(prog, items.error());
  auto problems = check_items(home, *items);
  for (const auto& p : problems) say(2, prog, "warning: ", p);
  return as_int(problems.empty() ? ToolExit::kOk : ToolExit::kTemporary);
}

int run_hier(int argc, char** argv) {
  constexpr std::string_view prog = "qmail-hier";
  std::string home;
  if (!home_from_args(prog, argc, argv, home)) return as_int(ToolExit::kUsage);
  ::umask(077);
  auto items = installed_items();
  if (!items) return fatal(prog, items.error());
  auto st = ensure_items(home, *items, [&](std::string_view note) { say(1, prog, "", note); });
  if (!st) return fatal(prog, st.error());
  return as_int(ToolExit::kOk);
}

}  // namespace qmail::instcheck
