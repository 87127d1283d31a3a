#include "mailbox/mbox.h"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "base/fd.h"
#include "sys/lock.h"
#include "sys/open.h"

namespace qmail::mailbox {

namespace {
constexpr std::string_view kFrom = "From ";
constexpr std::size_t kChunk = 65536;

// One read, retrying EINTR; -1 with errno on failure.
ssize_t read_some(int fd, char* buf, std::size_t n) {
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

// Waits up to `seconds` for the lock.  True when locked; false when the file
// cannot be locked at all (then qmail delivers unlocked); an error on timeout.
Result<bool> lock_within(int fd, unsigned seconds) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    auto got = sys::try_lock_exclusive(fd);
    if (!got) return false;
    if (*got) return true;
    if (Clock::now() >= deadline)
      return temp_error("File has been locked for " + std::to_string(seconds) +
                        " seconds straight");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
}  // namespace

void FromQuoter::feed(std::string_view chunk, std::string& out) {
  std::size_t i = 0;
  while (i < chunk.size()) {
    char c = chunk[i];
    switch (state_) {
      case State::kLineStart:
        if (c == '>') {
          // The quoting '>' may go anywhere in a run of '>', so the run is
          // written at once and only one extra '>' is owed if "From " follows.
          out += c;
          partial_ = true;
          ++i;
          continue;
        }
        if (c == 'F') {
          state_ = State::kMatching;
          matched_ = 1;
          partial_ = true;
          ++i;
          continue;
        }
        state_ = State::kBody;
        continue;
      case State::kMatching:
        if (c == kFrom[matched_]) {
          ++i;
          if (++matched_ == kFrom.size()) {
            out += '>';
            out.append(kFrom);
            state_ = State::kBody;
          }
          continue;
        }
        out.append(kFrom.substr(0, matched_));
        state_ = State::kBody;
        continue;
      case State::kBody: {
        const char* start = chunk.data() + i;
        const void* nl = std::memchr(start, '\n', chunk.size() - i);
        if (!nl) {
          out.append(start, chunk.size() - i);
          partial_ = true;
          return;
        }
        std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - start) + 1;
        out.append(start, n);
        i += n;
        partial_ = false;
        state_ = State::kLineStart;
        continue;
      }
    }
  }
}

void FromQuoter::finish(std::string& out) {
  if (state_ == State::kMatching) out.append(kFrom.substr(0, matched_));
  if (partial_) out += '\n';
  out += '\n';
  state_ = State::kLineStart;
  matched_ = 0;
  partial_ = false;
}

Status write_mbox_message(int message_fd, io::Writer& out, bool* read_failed) {
  *read_failed = false;
  FromQuoter quoter;
  std::string buf(kChunk, '\0');
  std::string quoted;
  for (;;) {
    ssize_t r = read_some(message_fd, buf.data(), buf.size());
    if (r < 0) {
      *read_failed = true;
      return sys_error("Unable to read message");
    }
    quoted.clear();
    if (r == 0) {
      quoter.finish(quoted);
      return out.put(quoted);
    }
    quoter.feed(std::string_view(buf.data(), static_cast<std::size_t>(r)), quoted);
    if (auto st = out.put(quoted); !st) return st;
  }
}

Status append_to_mbox(const std::string& path, std::string_view head, int message_fd,
                      unsigned lock_seconds, MboxFailure* failure) {
  *failure = MboxFailure::kOpen;
  int raw = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (raw == -1) return sys_error("Unable to open " + path);
  Fd fd(raw);
  auto locked = lock_within(fd.get(), lock_seconds);
  if (!locked) {
    *failure = MboxFailure::kLockTimeout;
    return locked.error();
  }
  off_t old_size = ::lseek(fd.get(), 0, SEEK_END);
  auto fail = [&](MboxFailure why, Error e) -> Status {
    int saved = errno;
    // Only under the lock is the old end still the end of our own data.
    if (*locked && old_size >= 0) (void)!::ftruncate(fd.get(), old_size);
    errno = saved;
    *failure = why;
    return e;
  };
  if (old_size == -1) return fail(MboxFailure::kWrite, sys_error("Unable to seek " + path));
  io::Writer out(fd.get(), 0, kChunk);
  bool read_failed = false;
  Status st = out.put(head);
  if (st) st = write_mbox_message(message_fd, out, &read_failed);
  if (st) st = out.flush();
  if (!st) {
    if (read_failed) return fail(MboxFailure::kReadMessage, st.error());
    Error e = st.error();
    e.what = "Unable to write " + path;
    return fail(MboxFailure::kWrite, e);
  }
  if (auto s = sys::sync_fd(fd.get()); !s)
    return fail(MboxFailure::kWrite,
                Error{ErrorKind::kTemporary, s.error().errnum, "Unable to write " + path});
  if (auto s = fd.close(); !s) {
    *failure = MboxFailure::kWrite;
    return Error{ErrorKind::kTemporary, s.error().errnum, "Unable to write " + path};
  }
  *failure = MboxFailure::kNone;
  return {};
}

std::optional<std::string> return_path_sender(std::string_view line) {
  constexpr std::string_view kPrefix = "Return-Path: <";
  if (!line.starts_with(kPrefix)) return std::nullopt;
  line.remove_prefix(kPrefix.size());
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.back() != '>') return std::nullopt;
  line.remove_suffix(1);
  return std::string(line);
}

}  // namespace qmail::mailbox
