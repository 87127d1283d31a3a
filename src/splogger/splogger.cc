#include "splogger.h"

#include <sys/time.h>
#include <syslog.h>

#include "base/exit_code.h"
#include "base/str.h"
#include "io/reader.h"
#include "io/writer.h"

namespace qmail::splogger {

int priority_of(std::string_view line) {
  if (line.starts_with("alert:")) return LOG_ALERT;
  if (line.starts_with("warning:")) return LOG_WARNING;
  return LOG_INFO;
}

std::string time_stamp() {
  struct timeval tv;
  ::gettimeofday(&tv, nullptr);
  std::string usec = fmt_u64(static_cast<std::uint64_t>(tv.tv_usec));
  return fmt_u64(static_cast<std::uint64_t>(tv.tv_sec)) + "." +
         std::string(usec.size() < 6 ? 6 - usec.size() : 0, '0') + usec;
}

void Folder::flush() {
  if (buf_.empty()) return;
  if (!continued_) {
    stamp_text_ = stamp_();
    priority_ = priority_of(buf_);
    emit_({priority_, stamp_text_ + " " + buf_});
    continued_ = true;
  } else {
    emit_({priority_, stamp_text_ + "+" + buf_});
  }
  buf_.clear();
}

void Folder::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n') {
      flush();  // a blank line makes no entry
      continued_ = false;
      continue;
    }
    if (buf_.size() == kFoldAt) flush();
    // syslog cuts at NUL and some readers at control characters.
    auto u = static_cast<unsigned char>(c);
    buf_ += (u < 32 || u > 126) ? '?' : c;
  }
}

void Folder::finish() {
  flush();
  continued_ = false;
}

int run(int argc, char** argv) {
  const char* tag = argc > 1 ? argv[1] : "splogger";
  int facility = LOG_MAIL;
  if (argc > 2) {
    // syslog has 24 facilities; LOG_MAIL is 2.
    auto n = scan_u64(argv[2]);
    if (!n || *n > 23) {
      (void)io::write_all(2, "splogger: fatal: facility must be a number from 0 to 23\n");
      return as_int(ToolExit::kUsage);
    }
    facility = static_cast<int>(*n) << 3;
  }
  ::openlog(tag, 0, facility);
  Folder folder(time_stamp, [](const Entry& e) { ::syslog(e.priority, "%s", e.text.c_str()); });
  io::Reader in(0);
  char buf[4096];
  for (;;) {
    auto n = in.read(buf, sizeof buf);
    if (!n) {
      folder.finish();
      (void)io::write_all(2, "splogger: fatal: " + n.error().text() + "\n");
      return as_int(ToolExit::kTemporary);
    }
    if (*n == 0) break;
    folder.feed(std::string_view(buf, *n));
  }
  folder.finish();
  return as_int(ToolExit::kOk);
}

}  // namespace qmail::splogger
