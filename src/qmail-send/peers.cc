#include "qmail-send/peers.h"

#include <unistd.h>

#include <cerrno>

#include "base/str.h"
#include "io/reader.h"
#include "io/writer.h"

namespace qmail::send {

namespace {
// qmail-clean answers at once unless the disk is in trouble; a stuck peer is
// as bad as a dead one.
constexpr unsigned kCleanTimeout = 600;

Result<std::size_t> read_some(int fd, char* buf, std::size_t n) {
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno != EINTR) return sys_error("unable to read");
  }
}
}  // namespace

Result<unsigned> Spawn::read_limit() {
  char c = 0;
  auto n = read_some(from_, &c, 1);
  if (!n) return n.error();
  if (*n == 0) return temp_error("no concurrency byte");
  return static_cast<unsigned>(static_cast<unsigned char>(c));
}

void Spawn::request(unsigned slot, std::string_view mess, std::string_view sender,
                    std::string_view rcpt) {
  std::string& req = pending_;
  req += static_cast<char>(slot);
  req.append(mess);
  req += '\0';
  req.append(sender);
  req += '\0';
  req.append(rcpt);
  req += '\0';
}

Status Spawn::flush() {
  if (pending_.empty()) return {};
  std::string out = std::move(pending_);
  pending_.clear();
  return io::write_all(to_, out);
}

Result<bool> Spawn::read_reports() {
  char buf[4096];
  auto n = read_some(from_, buf, sizeof buf);
  if (!n) return n.error();
  if (*n == 0) return false;
  parser_.feed(std::string_view(buf, *n));
  return true;
}

Result<char> Cleaner::ask(std::string_view what, std::uint64_t id) {
  std::string req(what);
  req += '/';
  req += fmt_u64(id);
  req += '\0';
  if (auto st = io::write_all(to_, req); !st) return st.error();
  auto ready = io::wait_ready(from_, false, kCleanTimeout);
  if (!ready) return ready.error();
  if (!*ready) return temp_error("qmail-clean does not answer");
  char c = 0;
  auto n = read_some(from_, &c, 1);
  if (!n) return n.error();
  if (*n == 0) return temp_error("qmail-clean is gone");
  return c;
}

}  // namespace qmail::send
