// fuzz_passwd_line.cc: feeds arbitrary bytes to the passwd(5) line parser
// (src/lib/parse/passwd_line), first as one line and then line by line as
// qmail-pw2u reads its input.  It must never crash; a rejection must be a
// permanent error; an accepted line must hold sane fields and parse back to
// the same entry when written out again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/str.h"
#include "parse/passwd_line.h"

namespace {
using qmail::parse::PasswdEntry;

bool same(const PasswdEntry& a, const PasswdEntry& b) {
  return a.user == b.user && a.password == b.password && a.uid == b.uid && a.gid == b.gid &&
         a.gecos == b.gecos && a.home == b.home && a.shell == b.shell;
}

void check_line(std::string_view line) {
  auto r = qmail::parse::parse_passwd_line(line);
  if (!r.ok()) {
    if (r.error().temporary() || r.error().what.empty()) std::abort();
    return;
  }
  if (line.size() > qmail::parse::kMaxPasswdLine) std::abort();
  const PasswdEntry& e = *r;
  if (e.user.empty()) std::abort();
  // Only the shell, the last field, may hold a colon; no field holds a NUL.
  for (const std::string* f : {&e.user, &e.password, &e.gecos, &e.home})
    if (f->find(':') != std::string::npos || f->find('\0') != std::string::npos) std::abort();
  if (e.shell.find('\0') != std::string::npos) std::abort();
  // Fields cannot add up to more than the line (leading zeros of an id may go).
  std::size_t total =
      e.user.size() + e.password.size() + e.gecos.size() + e.home.size() + e.shell.size() + 6;
  if (total > line.size()) std::abort();
  // Written out in canonical form, the entry parses back unchanged.
  std::string again = e.user + ":" + e.password + ":" + qmail::fmt_u64(e.uid) + ":" +
                      qmail::fmt_u64(e.gid) + ":" + e.gecos + ":" + e.home + ":" + e.shell;
  auto back = qmail::parse::parse_passwd_line(again);
  if (!back.ok() || !same(*back, e)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  check_line(in);
  // Every pass of the loop consumes at least one byte (the newline).
  while (!in.empty()) {
    std::size_t nl = in.find('\n');
    check_line(in.substr(0, nl));
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  return 0;
}
