#include "queue/records.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "io/writer.h"
#include "sys/open.h"

namespace qmail::queue {

Result<bool> RecordReader::next(std::string& rec, std::uint64_t& offset, bool* partial) {
  if (partial) *partial = false;
  bool complete = true;
  auto got = in_.getline(rec, '\0', kMaxRecord, &complete);
  if (!got) return got.error();
  if (!*got) return false;
  offset = offset_;
  offset_ += rec.size() + (complete ? 1 : 0);
  if (!complete) {
    if (!partial) return perm_error("truncated record");
    *partial = true;
  }
  return true;
}

Result<std::string> read_info_sender(const std::string& path) {
  auto fd = sys::open_read(path);
  if (!fd) return fd.error();
  RecordReader r(fd->get());
  std::string rec;
  std::uint64_t off = 0;
  auto got = r.next(rec, off);
  if (!got) {
    Error e = got.error();
    e.what = "unable to read " + path + ": " + e.what;
    return e;
  }
  if (!*got || rec.empty() || rec[0] != 'F') return perm_error("no sender in " + path);
  return rec.substr(1);
}

Status write_info(const std::string& path, std::string_view sender) {
  auto fd = sys::open_trunc(path, 0600);
  if (!fd) return fd.error();
  std::string rec = "F";
  rec.append(sender);
  rec += '\0';
  if (auto st = io::write_all(fd->get(), rec); !st) return st;
  if (auto st = sys::sync_fd(fd->get()); !st) return st;
  return fd->close();
}

Status mark_done(const std::string& path, std::uint64_t offset) {
  auto fd = sys::open_write(path);
  if (!fd) return fd.error();
  for (;;) {
    ssize_t w = ::pwrite(fd->get(), "D", 1, static_cast<off_t>(offset));
    if (w == 1) break;
    if (w == -1 && errno == EINTR) continue;
    return sys_error("unable to write " + path);
  }
  // No fsync, as in qmail: a D lost in a crash means the recipient is tried
  // again (a duplicate, never a loss), and one sync per recipient in
  // qmail-send's single thread would cap its delivery rate at the disk's.
  // What must survive a crash (a bounce record) is synced before the D.
  return fd->close();
}

Status append_bounce(const std::string& path, std::string_view rcpt, std::string_view report) {
  int raw = -1;
  for (;;) {
    raw = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (raw >= 0 || errno != EINTR) break;
  }
  if (raw == -1) return sys_error("unable to open " + path);
  Fd fd(raw);
  std::string rec;
  rec.reserve(rcpt.size() + report.size() + 2);
  rec.append(rcpt);
  rec += '\0';
  rec.append(report.substr(0, kMaxRecord - 1));
  rec += '\0';
  if (auto st = io::write_all(fd.get(), rec); !st) return st;
  if (auto st = sys::sync_fd(fd.get()); !st) return st;
  return fd.close();
}

Result<std::uint64_t> count_pending(const std::string& path, std::uint64_t* done) {
  auto fd = sys::open_read(path);
  if (!fd) return fd.error();
  RecordReader r(fd->get());
  std::string rec;
  std::uint64_t off = 0, pending = 0, finished = 0;
  for (;;) {
    auto got = r.next(rec, off);
    if (!got) return got.error();
    if (!*got) break;
    if (!rec.empty() && rec[0] == 'T') ++pending;
    if (!rec.empty() && rec[0] == 'D') ++finished;
  }
  if (done) *done = finished;
  return pending;
}

}  // namespace qmail::queue
