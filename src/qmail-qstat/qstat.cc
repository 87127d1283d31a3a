#include "qstat.h"

#include <cerrno>
#include <cstdint>

#include "base/auto.h"
#include "base/exit_code.h"
#include "base/str.h"
#include "io/writer.h"
#include "queue/message_file.h"

namespace qmail::qstat {

namespace {

int fatal(int err_fd, const std::string& what) {
  std::string line = "qmail-qstat: fatal: " + what + "\n";
  (void)io::write_all(err_fd, line);
  return as_int(ToolExit::kTemporary);
}

}  // namespace

int count_queue(const std::string& queue_dir, int out_fd, int err_fd) {
  // Every subdirectory of mess/, whatever split the queue was made with.
  std::string mess = queue::join_path(queue_dir, "mess");
  auto subdirs = queue::list_message_ids(mess);
  if (!subdirs) return fatal(err_fd, subdirs.error().text());
  std::uint64_t messages = 0;
  for (std::uint64_t s : *subdirs) {
    auto n = queue::count_entries(queue::join_path(mess, fmt_u64(s)));
    if (!n) {
      if (n.error().errnum == ENOTDIR) continue;  // a stray file is no subdirectory
      return fatal(err_fd, n.error().text());
    }
    messages += *n;
  }
  auto todo = queue::count_entries(queue::join_path(queue_dir, "todo"));
  if (!todo) return fatal(err_fd, todo.error().text());

  std::string out = "messages in queue: " + fmt_u64(messages) +
                    "\nmessages in queue but not yet preprocessed: " + fmt_u64(*todo) + "\n";
  if (auto st = io::write_all(out_fd, out); !st)
    return fatal(err_fd, "unable to write output: " + st.error().text());
  return as_int(ToolExit::kOk);
}

int run() { return count_queue(std::string(autoconf::kHome) + "/queue", 1, 2); }

}  // namespace qmail::qstat
