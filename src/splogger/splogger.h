// splogger.h: turning a stream of log lines into syslog entries (splogger(8)).
// Called by main.cc with whatever qmail-send or another daemon writes to its
// log pipe; the bytes are not trusted: unprintable ones are replaced, long
// lines are folded, and memory use is bounded by one entry.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace qmail::splogger {

/// syslog implementations truncate (or worse) long messages: fold after this
/// many characters, as splogger(8) documents.
inline constexpr std::size_t kFoldAt = 800;

/// One syslog entry: its priority (LOG_INFO, LOG_WARNING or LOG_ALERT) and
/// its text, "STAMP text" or, for the rest of a folded line, "STAMP+text".
struct Entry {
  int priority;
  std::string text;
};

/// Collects bytes into entries.  The stamp function is called once per input
/// line, when its first entry is made.
class Folder {
 public:
  using Emit = std::function<void(const Entry&)>;
  using Stamp = std::function<std::string()>;
  Folder(Stamp stamp, Emit emit) : stamp_(std::move(stamp)), emit_(std::move(emit)) {}

  /// Feeds input bytes; entries are emitted as they fill up or lines end.
  void feed(std::string_view bytes);
  /// Emits what is left of an unfinished last line.
  void finish();

 private:
  void flush();

  Stamp stamp_;
  Emit emit_;
  std::string buf_;
  std::string stamp_text_;
  int priority_ = 0;
  bool continued_ = false;  // a piece of the current line was already emitted
};

/// The priority for a line: "alert:" and "warning:" at its start select
/// LOG_ALERT and LOG_WARNING, anything else LOG_INFO.
int priority_of(std::string_view line);

/// "seconds.microseconds" of the current time, as splogger stamps entries.
std::string time_stamp();

/// The whole program: 0 at end of input, 100 for a bad facility, 111 on a read error.
int run(int argc, char** argv);

}  // namespace qmail::splogger
