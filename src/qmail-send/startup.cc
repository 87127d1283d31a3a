#include "qmail-send/startup.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <string>

#include "base/auto.h"
#include "base/str.h"
#include "queue/paths.h"
#include "sys/open.h"

namespace qmail::send {

namespace {
// A message file with no envelope this old was left by a crash (qmail's 36 hours).
constexpr std::time_t kHalfQueuedAge = 36 * 3600;
// opendir trouble is retried (qmail-log(5): "will try again in ten seconds"),
// but not forever: after that qmail-send exits and is restarted.
constexpr int kOpendirTries = 30;
// No retry is scheduled further ahead than this.
constexpr std::time_t kLongestWait = 7 * 86400;

// Calls `each` with every numeric name in `dir`; false when it stays unreadable.
bool for_each_id(const std::string& dir, const Log& log,
                 const std::function<bool(std::uint64_t)>& each) {
  DIR* d = nullptr;
  for (int tries = 0; !(d = ::opendir(dir.c_str())); ++tries) {
    log.line({"alert: unable to opendir ", dir, ", will try again in ten seconds"});
    if (tries + 1 >= kOpendirTries) return false;
    ::sleep(10);
  }
  bool ok = true;
  while (struct dirent* e = ::readdir(d)) {
    auto id = scan_u64(e->d_name);
    if (id && !each(*id)) {
      ok = false;
      break;
    }
  }
  ::closedir(d);
  return ok;
}

bool present(const std::string& path) {
  auto there = sys::exists(path);
  return !there || *there;  // trouble counts as present: do nothing rash
}
}  // namespace

bool load_queue(Scheduler& sched, const Log& log, std::time_t now) {
  const unsigned split = autoconf::kSplit;
  for (unsigned s = 0; s < split; ++s) {
    bool ok = for_each_id("info/" + fmt_u64(s), log, [&](std::uint64_t id) {
      if (present(queue::path(queue::Dir::kTodo, id, split))) return true;
      bool pending = false;
      for (Channel c : {Channel::kLocal, Channel::kRemote}) {
        std::string path =
            queue::path(c == Channel::kLocal ? queue::Dir::kLocal : queue::Dir::kRemote, id, split);
        struct stat st;
        if (::stat(path.c_str(), &st) == 0) {
          // a time far ahead is a clock mishap, not a schedule
          sched.add_job(id, c, std::min<std::time_t>(st.st_mtime, now + kLongestWait));
          pending = true;
        } else if (errno != ENOENT) {
          sched.add_job(id, c, now);  // the pass will report the trouble
          pending = true;
        }
      }
      if (!pending || present(queue::path(queue::Dir::kBounce, id, split)))
        sched.add_check(id, now);
      return true;
    });
    if (!ok) return false;
  }
  return true;
}

bool remove_half_queued(Cleaner& clean, const Log& log, std::time_t now) {
  const unsigned split = autoconf::kSplit;
  bool lost = false;
  for (unsigned s = 0; s < split && !lost; ++s) {
    for_each_id("mess/" + fmt_u64(s), log, [&](std::uint64_t id) {
      std::string mess = queue::path(queue::Dir::kMess, id, split);
      struct stat st;
      if (::stat(mess.c_str(), &st) == -1 || st.st_mtime + kHalfQueuedAge > now) return true;
      if (present(queue::path(queue::Dir::kInfo, id, split))) return true;
      if (present(queue::path(queue::Dir::kTodo, id, split))) return true;
      auto answer = clean.ask("foop", id);
      if (!answer) {
        lost = true;
        return false;
      }
      if (*answer != '+') log.line({"warning: qmail-clean unable to clean up foop/", fmt_u64(id)});
      return true;
    });
  }
  return !lost;
}

}  // namespace qmail::send
