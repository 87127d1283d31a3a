// log.h: qmail-send's activity record (qmail-log(5)): one line per event,
// written to descriptor 0, which qmail-start connects to the logger.  Callers
// escape untrusted bytes (log::escape, log_text) before joining them in.
#pragma once

#include <initializer_list>
#include <string_view>

namespace qmail::send {

class Log {
 public:
  explicit Log(int fd) : fd_(fd) {}
  /// Writes the pieces joined, then a newline.  A logger that is gone cannot be
  /// told about it, so write errors are ignored; a full pipe blocks, as in qmail.
  void line(std::initializer_list<std::string_view> pieces) const;
  /// "status: local l/L remote r/R".
  void status(unsigned local, unsigned local_max, unsigned remote, unsigned remote_max) const;

 private:
  int fd_;
};

}  // namespace qmail::send
