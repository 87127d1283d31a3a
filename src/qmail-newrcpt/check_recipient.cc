// check-recipient: a test helper, not installed: runs as the test user.
// Reads the cdb named by its first argument (control/recipients.h).
// Writes one verdict per address argument to stdout: known, unknown or not-covered.
#include <string>

#include "base/exit_code.h"
#include "base/guard.h"
#include "control/recipients.h"
#include "io/writer.h"

namespace {
int check_recipients(int argc, char** argv) {
  using qmail::control::RecipientMap;
  if (argc < 2) {
    (void)qmail::io::write_all(2, "usage: check-recipient cdb address...\n");
    return qmail::as_int(qmail::ToolExit::kUsage);
  }
  auto map = RecipientMap::open(argv[1]);
  if (!map) {
    (void)qmail::io::write_all(2, "check-recipient: fatal: " + map.error().text() + "\n");
    return qmail::as_int(qmail::ToolExit::kTemporary);
  }
  std::string out;
  for (int i = 2; i < argc; ++i) {
    if (!*map) {
      out += "not-covered\n";  // no cdb: checking is off
      continue;
    }
    auto v = (*map)->check(argv[i]);
    if (!v) {
      (void)qmail::io::write_all(2, "check-recipient: fatal: " + v.error().text() + "\n");
      return qmail::as_int(qmail::ToolExit::kTemporary);
    }
    out += *v == RecipientMap::Verdict::kKnown     ? "known\n"
           : *v == RecipientMap::Verdict::kUnknown ? "unknown\n"
                                                   : "not-covered\n";
  }
  return qmail::io::write_all(1, out) ? 0 : qmail::as_int(qmail::ToolExit::kTemporary);
}
}  // namespace

int main(int argc, char** argv) {
  return qmail::run_guarded(qmail::ToolExit::kTemporary, qmail::ToolExit::kTemporary,
                            [&] { return check_recipients(argc, argv); });
}
