#include "qread.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <string_view>

#include "base/auto.h"
#include "base/date822.h"
#include "base/exit_code.h"
#include "base/fd.h"
#include "base/str.h"
#include "io/reader.h"
#include "io/writer.h"
#include "queue/message_file.h"
#include "queue/paths.h"
#include "sys/open.h"

namespace qmail::qread {

namespace {

constexpr std::string_view kProgram = "qmail-qread: ";

// qmail-qread shows unprintable bytes as '_'.
void append_printable(std::string& out, std::string_view s) {
  for (char c : s) out += (c >= 32 && c <= 126) ? c : '_';
}

// "21 Nov 2026 08:04:36 GMT": date822() without its " -0000".
std::string queue_date(std::time_t t) {
  std::string d = date822(t);
  std::string_view zone = " -0000";
  if (d.size() >= zone.size() && d.compare(d.size() - zone.size(), zone.size(), zone) == 0)
    d.resize(d.size() - zone.size());
  return d + " GMT";
}

class Lister {
 public:
  Lister(const std::string& queue_dir, int out_fd, int err_fd)
      : dir_(queue_dir), out_(out_fd), err_fd_(err_fd) {}

  int list() {
    for (unsigned s = 0; s < autoconf::kSplit; ++s) {
      auto ids = queue::list_message_ids(at("info/" + fmt_u64(s)));
      if (!ids) return fatal(ids.error().text());
      for (std::uint64_t id : *ids)
        if (!show(id)) return fatal("unable to write output: " + failure_);
    }
    if (!out_.flush()) return fatal("unable to write output");
    return as_int(ToolExit::kOk);
  }

 private:
  [[nodiscard]] std::string at(const std::string& rel) const { return queue::join_path(dir_, rel); }

  int fatal(const std::string& what) {
    (void)out_.flush();
    std::string line = std::string(kProgram) + "fatal: " + what + "\n";
    (void)io::write_all(err_fd_, line);
    return as_int(ToolExit::kTemporary);
  }

  // Warnings go between the listing's lines, not before what is buffered.
  void warn(std::uint64_t id, const std::string& what) {
    (void)out_.flush();
    std::string line =
        std::string(kProgram) + "warning: trouble with #" + fmt_u64(id) + ": " + what + "\n";
    (void)io::write_all(err_fd_, line);
  }

  // One message; false only when the output cannot be written.
  bool show(std::uint64_t id) {
    std::string info_file = at(queue::path(queue::Dir::kInfo, id, autoconf::kSplit));
    auto info = sys::open_read(info_file);
    if (!info) {
      // Gone since the directory was read: the message is finished, no trouble.
      if (info.error().errnum != ENOENT) warn(id, info.error().text());
      return true;
    }
    struct stat st;
    if (::fstat(info->get(), &st) == -1) {
      warn(id, sys_error("unable to stat " + info_file).text());
      return true;
    }
    std::time_t queued = st.st_mtime;  // qmail-send stamps info/ when it takes the message in
    std::string sender;
    io::Reader r(info->get());
    if (auto got = r.getline(sender, '\0', kMaxQueueRecord); !got) {
      warn(id, "unable to read " + info_file + ": " + got.error().text());
      return true;
    }
    if (!sender.empty() && sender.front() == 'F') sender.erase(0, 1);

    std::string mess = at(queue::path(queue::Dir::kMess, id, autoconf::kSplit));
    if (::stat(mess.c_str(), &st) == -1) {
      warn(id, sys_error("unable to stat " + mess).text());
      return true;
    }
    std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    std::string bounce = at(queue::path(queue::Dir::kBounce, id, autoconf::kSplit));
    bool bouncing = ::stat(bounce.c_str(), &st) == 0;

    std::string line = queue_date(queued) + "  #" + fmt_u64(id) + "  " + fmt_u64(size) + "  <";
    append_printable(line, sender);
    line += "> ";
    if (bouncing) line += " bouncing";
    line += '\n';
    if (!put(line)) return false;
    return show_recipients(id, queue::Dir::kLocal, "\tlocal\t") &&
           show_recipients(id, queue::Dir::kRemote, "\tremote\t");
  }

  // The T (pending) and D (done) records of local/S/N or remote/S/N.
  bool show_recipients(std::uint64_t id, queue::Dir d, std::string_view channel) {
    std::string file = at(queue::path(d, id, autoconf::kSplit));
    auto fd = sys::open_read(file);
    if (!fd) {
      if (fd.error().errnum != ENOENT) warn(id, fd.error().text());
      return true;
    }
    io::Reader r(fd->get());
    std::string rec;
    // Ends at end of file: each pass consumes at least one byte.
    for (;;) {
      bool complete = true;
      auto got = r.getline(rec, '\0', kMaxQueueRecord, &complete);
      if (!got) {
        warn(id, "unable to read " + file + ": " + got.error().text());
        return true;
      }
      if (!*got || !complete) return true;  // a record being written is not shown yet
      if (rec.empty() || (rec.front() != 'T' && rec.front() != 'D')) continue;
      std::string line = rec.front() == 'D' ? "  done" : "";
      line += channel;
      append_printable(line, std::string_view(rec).substr(1));
      line += '\n';
      if (!put(line)) return false;
    }
  }

  bool put(std::string_view s) {
    auto st = out_.put(s);
    if (!st) failure_ = st.error().text();
    return st.ok();
  }

  std::string dir_;
  io::Writer out_;
  int err_fd_;
  std::string failure_;
};

}  // namespace

int list_queue(const std::string& queue_dir, int out_fd, int err_fd) {
  Lister l(queue_dir, out_fd, err_fd);
  return l.list();
}

int run() { return list_queue(std::string(autoconf::kHome) + "/queue", 1, 2); }

}  // namespace qmail::qread
