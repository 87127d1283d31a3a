#include "newu.h"

#include <sys/stat.h>
#include <unistd.h>

#include "base/auto.h"
#include "base/exit_code.h"
#include "control/cdb_make.h"
#include "io/writer.h"
#include "parse/users_assign.h"
#include "sys/open.h"

namespace qmail::newu {

namespace {
int fatal(std::string_view what) {
  std::string line = "qmail-newu: fatal: ";
  line.append(what);
  line.push_back('\n');
  (void)io::write_all(2, line);
  return as_int(ToolExit::kTemporary);  // qmail-newu exits 111 on every trouble
}
}  // namespace

Result<std::string> build_users_cdb(std::string_view assign) {
  auto parsed = parse::parse_users_assign(assign);
  if (!parsed) return parsed.error();
  control::CdbMake maker;
  for (const auto& r : parse::users_cdb_records(*parsed))
    if (auto st = maker.add(r.key, r.value); !st) return st.error();
  return maker.finish();
}

int run() {
  ::umask(033);
  if (::chdir(autoconf::kHome) == -1)
    return fatal(sys_error(std::string("unable to chdir to ") + autoconf::kHome).text());
  std::string text;
  bool found = false;
  if (auto st = sys::read_file("users/assign", text, parse::kMaxUsersAssignSize + 1, &found); !st)
    return fatal("unable to read users/assign: " + st.error().text());
  if (!found) return fatal("unable to read users/assign: file does not exist");
  auto cdb = build_users_cdb(text);
  if (!cdb) return fatal("bad format in users/assign: " + cdb.error().text());
  // users/cdb.tmp, fsync, rename: qmail-lspawn sees the old file or the new one.
  if (auto st = sys::write_file_atomic("users/cdb", *cdb, 0644); !st)
    return fatal("unable to write users/cdb: " + st.error().text());
  return as_int(ToolExit::kOk);
}

}  // namespace qmail::newu
