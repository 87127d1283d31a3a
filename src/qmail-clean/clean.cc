#include "qmail-clean/clean.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/auto.h"
#include "base/str.h"
#include "io/reader.h"
#include "io/writer.h"
#include "queue/paths.h"

namespace qmail::clean {

namespace {
// A pid/ file this old belongs to a qmail-queue that is long gone.
constexpr std::time_t kStalePid = 36 * 3600;
// pid/ is swept at most this often.
constexpr unsigned kSweepEvery = 3600;

bool remove(const std::string& path) { return ::unlink(path.c_str()) == 0 || errno == ENOENT; }

void fatal(std::string_view what) {
  std::string line = "qmail-clean: fatal: ";
  line.append(what);
  line += '\n';
  (void)io::write_all(2, line);
}
}  // namespace

char handle_request(std::string_view req, unsigned split) {
  if (req.size() <= 5) return 'x';
  std::string_view kind = req.substr(0, 5);
  auto id = scan_u64(req.substr(5));
  if (!id) return 'x';
  if (kind == "foop/") {
    // intd/N first: without mess/S/N it is useless, the reverse is not true.
    bool ok = remove(queue::path(queue::Dir::kIntd, *id, split));
    ok = remove(queue::path(queue::Dir::kMess, *id, split)) && ok;
    return ok ? '+' : '!';
  }
  if (kind == "todo/") {
    bool ok = remove(queue::path(queue::Dir::kIntd, *id, split));
    ok = remove(queue::path(queue::Dir::kTodo, *id, split)) && ok;
    return ok ? '+' : '!';
  }
  return 'x';
}

unsigned remove_stale_pids(std::time_t now) {
  DIR* d = ::opendir("pid");
  if (!d) return 0;
  unsigned removed = 0;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::string path = std::string("pid/") + e->d_name;
    struct stat st;
    if (::stat(path.c_str(), &st) == -1 || !S_ISREG(st.st_mode)) continue;
    if (st.st_atime + kStalePid < now && st.st_mtime + kStalePid < now &&
        ::unlink(path.c_str()) == 0)
      ++removed;
  }
  ::closedir(d);
  return removed;
}

int run() {
  if (::chdir(autoconf::kHome) == -1 || ::chdir("queue") == -1) {
    fatal("unable to switch to queue directory");
    return 111;
  }
  io::Reader in(0);
  std::time_t last_sweep = 0;
  std::string req;
  bool overlong = false;
  for (;;) {
    std::time_t now = std::time(nullptr);
    if (now >= last_sweep + kSweepEvery) {
      remove_stale_pids(now);
      last_sweep = now;
    }
    if (in.buffered() == 0) {
      auto ready = io::wait_ready(0, false, kSweepEvery);
      if (!ready) {
        fatal("trouble reading requests");
        return 111;
      }
      if (!*ready) continue;  // nothing asked for an hour: time to sweep
    }
    char c = 0;
    auto got = in.get(c);
    if (!got) {
      fatal("trouble reading requests");
      return 111;
    }
    if (!*got) return 0;  // qmail-send is gone: so are we
    if (c != '\0') {
      if (req.size() < kMaxRequest) {
        req += c;
      } else {
        overlong = true;
      }
      continue;
    }
    char answer = overlong ? 'x' : handle_request(req, autoconf::kSplit);
    req.clear();
    overlong = false;
    if (auto st = io::write_all(1, std::string_view(&answer, 1)); !st) {
      fatal("unable to answer qmail-send");
      return 111;
    }
  }
}

}  // namespace qmail::clean
