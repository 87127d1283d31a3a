#include "maildirmake.h"

#include <sys/stat.h>

#include "base/exit_code.h"
#include "io/writer.h"

namespace qmail::maildirmake {

namespace {
Status make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == -1) return sys_error("unable to mkdir " + path);
  return {};
}
}  // namespace

Status make_maildir(const std::string& dir) {
  if (dir.empty()) return perm_error("empty directory name");
  if (auto st = make_dir(dir); !st) return st;
  for (const char* sub : {"/tmp", "/new", "/cur"}) {
    if (auto st = make_dir(dir + sub); !st) return st;
  }
  return {};
}

int run(int argc, char** argv) {
  if (argc != 2 || argv[1][0] == '\0') {
    (void)io::write_all(2, "maildirmake: usage: maildirmake name\n");
    return as_int(ToolExit::kUsage);
  }
  // Nobody but the owner has any business in a mailbox.
  ::umask(077);
  if (auto st = make_maildir(argv[1]); !st) {
    (void)io::write_all(2, "maildirmake: fatal: " + st.error().text() + "\n");
    return as_int(ToolExit::kTemporary);
  }
  return as_int(ToolExit::kOk);
}

}  // namespace qmail::maildirmake
