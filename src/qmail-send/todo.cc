#include "qmail-send/todo.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <string>

#include "base/auto.h"
#include "base/fd.h"
#include "base/str.h"
#include "io/writer.h"
#include "log/escape.h"
#include "queue/paths.h"
#include "queue/records.h"
#include "sys/open.h"

namespace qmail::send {

namespace {
// How many todo/ names one look at the directory keeps; more are found by the
// next look, so memory does not grow with a flood.
constexpr std::size_t kMaxTodoList = 10000;

// One recipient list being written (local/S/N or remote/S/N).
struct ListOut {
  std::string path;
  Fd fd;
  std::unique_ptr<io::Writer> out;
  bool failed = false;

  void put(std::string_view addr) {
    if (failed) return;
    if (!fd.valid()) {
      auto f = sys::open_trunc(path, 0600);
      if (!f) {
        failed = true;
        return;
      }
      fd = std::move(*f);
      out = std::make_unique<io::Writer>(fd.get(), 0, 65536);
    }
    std::string rec = "T";
    rec.append(addr);
    rec += '\0';
    if (!out->put(rec)) failed = true;
  }
  // Flushes and fsyncs a written list, or removes a stale one from an
  // earlier attempt that ended in trouble.
  bool finish() {
    if (failed) return false;
    if (!fd.valid()) return ::unlink(path.c_str()) == 0 || errno == ENOENT;
    return out->flush().ok() && sys::sync_fd(fd.get()).ok() && fd.close().ok();
  }
  [[nodiscard]] bool written() const { return fd.valid() || out != nullptr; }
};

std::string dir_of(const std::string& path) { return path.substr(0, path.rfind('/')); }
}  // namespace

void Preprocessor::scan() {
  scan_wanted_ = false;
  DIR* dir = ::opendir("todo");
  if (!dir) {
    log_.line({"alert: unable to opendir todo, will try again later"});
    return;
  }
  errno = 0;
  while (struct dirent* d = ::readdir(dir)) {
    auto id = scan_u64(d->d_name);
    if (!id) continue;
    if (list_.size() >= kMaxTodoList) {
      scan_wanted_ = true;  // the rest at the next look
      break;
    }
    list_.push_back(*id);
  }
  ::closedir(dir);
}

void Preprocessor::work(unsigned budget, std::time_t now, Scheduler& sched) {
  if (list_.empty() && scan_wanted_) scan();
  while (budget-- > 0 && !list_.empty() && !lost_) {
    std::uint64_t id = list_.front();
    list_.pop_front();
    process(id, now, sched);
  }
}

void Preprocessor::process(std::uint64_t id, std::time_t now, Scheduler& sched) {
  const unsigned split = autoconf::kSplit;
  const std::string todo = queue::path(queue::Dir::kTodo, id, split);
  const std::string num = fmt_u64(id);
  auto fd = sys::open_read(todo);
  if (!fd) {
    if (fd.error().errnum != ENOENT) log_.line({"warning: unable to open ", todo});
    return;  // ENOENT: done meanwhile
  }
  log_.line({"new msg ", num});
  const std::string mess = queue::path(queue::Dir::kMess, id, split);
  struct stat st;
  if (::stat(mess.c_str(), &st) == -1) {
    if (errno != ENOENT) {
      log_.line({"warning: unable to stat ", mess, "; will try again later"});
      return;
    }
    // An envelope without its message: nothing to deliver.
    log_.line({"warning: no message file for ", todo, "; removing it"});
    auto answer = clean_.ask("todo", id);
    if (!answer) lost_ = true;
    return;
  }

  ListOut lists[kChannels] = {{queue::path(queue::Dir::kLocal, id, split), {}, nullptr, false},
                              {queue::path(queue::Dir::kRemote, id, split), {}, nullptr, false}};
  std::string rec, uid = "?", qp = "?";
  std::optional<std::string> sender;
  queue::RecordReader records(fd->get());
  std::uint64_t offset = 0;
  for (;;) {
    auto got = records.next(rec, offset);
    if (!got) {
      log_.line(
          {"warning: trouble reading ", todo, ": ", got.error().text(), "; will try again later"});
      return;
    }
    if (!*got) break;
    if (rec.empty()) continue;  // the envelope's terminator, if a writer kept it
    char type = rec[0];
    std::string_view body = std::string_view(rec).substr(1);
    if (type == 'u') {
      uid = body;
    } else if (type == 'p') {
      qp = body;
    } else if (type == 'F') {
      sender = std::string(body);
    } else if (type == 'T') {
      Rewritten r = rewrite_recipient(config_->rules, body);
      lists[static_cast<int>(r.channel)].put(r.address);
    } else {
      log_.line({"warning: unknown record type in ", todo, "; will try again later"});
      return;
    }
  }
  if (!sender) {
    log_.line({"warning: no sender in ", todo, "; will try again later"});
    return;
  }
  bool has[kChannels];
  for (int c = 0; c < kChannels; ++c) {
    has[c] = lists[c].written();
    if (!lists[c].finish()) {
      log_.line({"warning: trouble writing to ", lists[c].path, "; will try again later"});
      return;
    }
  }
  const std::string info = queue::path(queue::Dir::kInfo, id, split);
  if (auto w = queue::write_info(info, *sender); !w) {
    log_.line({"warning: trouble writing to ", info, "; will try again later"});
    return;
  }
  // New names are durable only once their directories are fsynced (DESIGN §6).
  for (const std::string& path : {info, lists[0].path, lists[1].path}) {
    if (path != info && !has[path == lists[0].path ? 0 : 1]) continue;
    if (auto s = sys::sync_dir(dir_of(path)); !s) {
      log_.line({"warning: trouble fsyncing ", dir_of(path), "; will try again later"});
      return;
    }
  }
  log_.line({"info msg ", num, ": bytes ", fmt_u64(static_cast<std::uint64_t>(st.st_size)),
             " from <", log::escape(*sender), "> qp ", log::escape(qp), " uid ", log::escape(uid)});
  auto answer = clean_.ask("todo", id);
  if (!answer) {
    lost_ = true;
    return;
  }
  if (*answer != '+') {
    log_.line({"warning: qmail-clean unable to clean up todo/", num});
    return;  // the next look preprocesses it again
  }
  if (has[0]) sched.add_job(id, Channel::kLocal, now);
  if (has[1]) sched.add_job(id, Channel::kRemote, now);
  if (!has[0] && !has[1]) sched.add_check(id, now);
}

}  // namespace qmail::send
