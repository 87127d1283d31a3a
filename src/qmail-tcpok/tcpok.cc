#include "tcpok.h"

#include <unistd.h>

#include "base/auto.h"
#include "base/exit_code.h"
#include "io/writer.h"
#include "net/tcpto.h"

namespace qmail::tcpok {

namespace {

int fatal(int err_fd, const std::string& what) {
  std::string line = "qmail-tcpok: fatal: " + what + "\n";
  (void)io::write_all(err_fd, line);
  return as_int(ToolExit::kTemporary);
}

}  // namespace

int clear_tcpto(const std::string& path, int err_fd) {
  if (auto st = net::TcptoTable(path).clear(); !st) return fatal(err_fd, st.error().text());
  return as_int(ToolExit::kOk);
}

int run() {
  if (::chdir(autoconf::kHome) == -1)
    return fatal(2, sys_error(std::string("unable to switch to ") + autoconf::kHome).text());
  return clear_tcpto("queue/lock/tcpto", 2);
}

}  // namespace qmail::tcpok
