#include "tcpto_print.h"

#include <unistd.h>

#include <cstdint>
#include <ctime>

#include "base/auto.h"
#include "base/exit_code.h"
#include "base/str.h"
#include "io/writer.h"
#include "net/ip.h"

namespace qmail::tcpto {

namespace {

int fatal(int err_fd, const std::string& what) {
  std::string line = "qmail-tcpto: fatal: " + what + "\n";
  (void)io::write_all(err_fd, line);
  return as_int(ToolExit::kTemporary);
}

}  // namespace

std::string format_tcpto(const std::vector<net::TcptoEntry>& entries, std::time_t now) {
  std::string out;
  for (const auto& e : entries) {
    std::uint64_t ago = now > e.last ? static_cast<std::uint64_t>(now - e.last) : 0;
    out += net::format_ip(e.ip) + " timed out " + fmt_u64(ago) +
           " seconds ago; # recent timeouts: " + fmt_u64(e.timeouts) + "\n";
  }
  return out;
}

int print_tcpto(const std::string& path, std::time_t now, int out_fd, int err_fd) {
  auto entries = net::TcptoTable(path).read();
  if (!entries) return fatal(err_fd, entries.error().text());
  if (auto st = io::write_all(out_fd, format_tcpto(*entries, now)); !st)
    return fatal(err_fd, "unable to write output: " + st.error().text());
  return as_int(ToolExit::kOk);
}

int run() {
  if (::chdir(autoconf::kHome) == -1)
    return fatal(2, sys_error(std::string("unable to switch to ") + autoconf::kHome).text());
  return print_tcpto("queue/lock/tcpto", std::time(nullptr), 1, 2);
}

}  // namespace qmail::tcpto
