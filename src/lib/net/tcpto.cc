// tcpto.cc: the downed-host table (tcpto.h).  The pure functions decide; the
// TcptoTable methods only open, lock, read and write the whole image.  The
// image may have been written by anyone who could write the file, so every
// record is checked, and one that does not make sense counts as empty.
#include "net/tcpto.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <utility>

#include "base/fd.h"
#include "sys/lock.h"

namespace qmail::net {

namespace {

// Record layout (tcpto.h).
constexpr std::size_t kFamilyAt = 16;
constexpr std::size_t kCountAt = 17;
constexpr std::size_t kReservedAt = 18;
constexpr std::size_t kTimeAt = 24;
constexpr unsigned char kFamily4 = 4;
constexpr unsigned char kFamily6 = 6;

// Timeouts in a row are counted up to this (qmail's limit).
constexpr unsigned kMaxTimeouts = 10;
// A timeout less than this long after the last one is the same outage, seen by
// another delivery that was already waiting: it is not counted again.
constexpr std::time_t kSameOutage = 120;
// When the table is full, each timeout keeps a record this much longer.
constexpr std::time_t kWeightPerTimeout = 1024;
// Times past this (about year 36000) are garbage; the bound also keeps the
// sums below from overflowing.
constexpr std::time_t kMaxTime = std::time_t{1} << 40;

// One record as stored, cleared ones (timeouts 0) included.
struct Slot {
  IpAddress ip;
  unsigned timeouts = 0;
  std::time_t last = 0;
};

bool all_zero(std::string_view s) { return s.find_first_not_of('\0') == std::string_view::npos; }

// nullopt for an empty record and for one that makes no sense.
std::optional<Slot> decode_record(std::string_view rec) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(rec[i]); };
  Slot s;
  if (byte(kFamilyAt) == kFamily4) {
    if (!all_zero(rec.substr(4, 12))) return std::nullopt;
    s.ip.family = AF_INET;
  } else if (byte(kFamilyAt) == kFamily6) {
    // A v4-mapped address is always held as IPv4 (ip.h): as IPv6 it is garbage.
    if (all_zero(rec.substr(0, 10)) && byte(10) == 0xff && byte(11) == 0xff) return std::nullopt;
    s.ip.family = AF_INET6;
  } else {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < 16; ++i) s.ip.bytes[i] = byte(i);
  s.timeouts = byte(kCountAt);
  if (s.timeouts > kMaxTimeouts) return std::nullopt;
  if (!all_zero(rec.substr(kReservedAt, kTimeAt - kReservedAt))) return std::nullopt;
  std::uint64_t t = 0;
  for (std::size_t i = 0; i < 8; ++i) t |= std::uint64_t{byte(kTimeAt + i)} << (8 * i);
  if (t > static_cast<std::uint64_t>(kMaxTime)) return std::nullopt;
  s.last = static_cast<std::time_t>(t);
  return s;
}

void encode_record(char* rec, const Slot& s) {
  for (std::size_t i = 0; i < kTcptoRecordSize; ++i) rec[i] = '\0';
  for (std::size_t i = 0; i < 16; ++i) rec[i] = static_cast<char>(s.ip.bytes[i]);
  rec[kFamilyAt] = static_cast<char>(s.ip.is_v4() ? kFamily4 : kFamily6);
  rec[kCountAt] = static_cast<char>(s.timeouts);
  auto t = static_cast<std::uint64_t>(s.last);
  for (std::size_t i = 0; i < 8; ++i) rec[kTimeAt + i] = static_cast<char>((t >> (8 * i)) & 0xff);
}

std::string_view record_at(std::string_view image, std::size_t i) {
  return image.substr(i * kTcptoRecordSize, kTcptoRecordSize);
}

// Reads up to kTcptoFileSize bytes from the start of the file.
Result<std::string> read_image(int fd, const std::string& path) {
  std::string image(kTcptoFileSize, '\0');
  std::size_t got = 0;
  while (got < image.size()) {
    ssize_t n = ::pread(fd, image.data() + got, image.size() - got, static_cast<off_t>(got));
    if (n == -1 && errno == EINTR) continue;
    if (n == -1) return sys_error("unable to read " + path);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  image.resize(got);
  return image;
}

Status write_image(int fd, const std::string& path, std::string_view image) {
  std::size_t done = 0;
  while (done < image.size()) {
    ssize_t n = ::pwrite(fd, image.data() + done, image.size() - done, static_cast<off_t>(done));
    if (n == -1 && errno == EINTR) continue;
    if (n <= 0) return sys_error("unable to write " + path);
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// The error with our own description (the errno stays).
Error renamed(Error e, std::string what) {
  e.what = std::move(what);
  return e;
}

Result<Fd> open_table(const std::string& path, int flags) {
  for (;;) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd >= 0) return Fd(fd);
    if (errno != EINTR) return sys_error("unable to open " + path);
  }
}

// A reader's lock.  lockf (where configure chose it over flock) refuses a
// descriptor that is only open for reading: such a reader goes on without the
// lock, and a torn image at worst misstates a hint.
Status lock_for_reading(int fd, const std::string& path) {
  auto st = sys::lock_exclusive(fd);
  if (!st && st.error().errnum != EBADF) return renamed(st.error(), "unable to lock " + path);
  return {};
}

}  // namespace

std::vector<TcptoEntry> decode_tcpto(std::string_view image) {
  std::vector<TcptoEntry> out;
  for (std::size_t i = 0; i < kTcptoRecords && (i + 1) * kTcptoRecordSize <= image.size(); ++i) {
    auto s = decode_record(record_at(image, i));
    if (!s || s->timeouts == 0) continue;
    out.push_back({s->ip, s->timeouts, s->last});
  }
  return out;
}

bool tcpto_skip(const TcptoEntry& e, std::time_t now, unsigned jitter) {
  if (e.timeouts < 2) return false;
  // A last timeout in the future (the clock was set back) counts as just now.
  std::time_t age = now < e.last ? 0 : now - e.last;
  return age < static_cast<std::time_t>((60 + (jitter & 31)) << 6);
}

std::string update_tcpto(std::string_view image, const IpAddress& address, bool timed_out,
                         std::time_t now) {
  std::string out(image.substr(0, kTcptoFileSize));
  out.resize(kTcptoFileSize, '\0');
  if (!address.is_v4() && !address.is_v6()) return out;
  IpAddress ip = address;
  if (ip.is_v4())
    for (std::size_t i = 4; i < ip.bytes.size(); ++i) ip.bytes[i] = 0;
  if (now < 0) now = 0;
  if (now > kMaxTime) now = kMaxTime;

  std::optional<std::size_t> mine;
  std::optional<Slot> mine_slot;
  std::optional<std::size_t> vacant;  // the first empty or cleared record
  std::optional<std::size_t> oldest;
  std::time_t oldest_weight = 0;
  for (std::size_t i = 0; i < kTcptoRecords; ++i) {
    auto s = decode_record(record_at(out, i));
    if (s && s->ip == ip) {
      mine = i;
      mine_slot = s;
      break;
    }
    if (!s || s->timeouts == 0) {
      if (!vacant) vacant = i;
      continue;
    }
    std::time_t weight = s->last + static_cast<std::time_t>(s->timeouts) * kWeightPerTimeout;
    if (!oldest || weight < oldest_weight) {
      oldest = i;
      oldest_weight = weight;
    }
  }

  Slot s;
  std::size_t at = 0;
  if (mine) {
    at = *mine;
    s = *mine_slot;
    if (!timed_out) {
      if (s.timeouts == 0) return out;
      s.timeouts = 0;  // the address stays, cleared, so its record is reused
    } else {
      if (s.timeouts > 0 && now < s.last + kSameOutage) return out;
      if (s.timeouts < kMaxTimeouts) ++s.timeouts;
      s.last = now;
    }
  } else {
    if (!timed_out) return out;  // a success for an address not in the table
    // No match, so the search saw every record: one of the two is set.
    at = vacant ? *vacant : *oldest;
    s.ip = ip;
    s.timeouts = 1;
    s.last = now;
  }
  encode_record(out.data() + at * kTcptoRecordSize, s);
  return out;
}

bool TcptoTable::should_skip(const IpAddress& ip, std::time_t now, unsigned jitter,
                             bool* listed) const {
  if (listed) *listed = false;
  auto fd = open_table(path_, O_RDONLY);
  if (!fd) return false;
  if (!lock_for_reading(fd->get(), path_)) return false;
  auto image = read_image(fd->get(), path_);
  if (!image) return false;
  for (const auto& e : decode_tcpto(*image))
    if (e.ip == ip) {
      if (listed) *listed = true;
      return tcpto_skip(e, now, jitter);
    }
  return false;
}

void TcptoTable::record(const IpAddress& ip, bool timed_out, std::time_t now) const {
  auto fd = open_table(path_, O_RDWR);
  if (!fd) return;  // no table (or not ours to write): the hint is lost, nothing else
  if (!sys::lock_exclusive(fd->get())) return;
  auto image = read_image(fd->get(), path_);
  if (!image) return;
  std::string updated = update_tcpto(*image, ip, timed_out, now);
  // Nothing changed (the usual success): no write.  An old short table grows
  // to the full size only when a record is written.
  image->resize(kTcptoFileSize, '\0');
  if (updated == *image) return;
  (void)write_image(fd->get(), path_, updated);
}

Result<std::vector<TcptoEntry>> TcptoTable::read() const {
  auto fd = open_table(path_, O_RDONLY);
  if (!fd) return fd.error();
  if (auto st = lock_for_reading(fd->get(), path_); !st) return st.error();
  auto image = read_image(fd->get(), path_);
  if (!image) return image.error();
  return decode_tcpto(*image);
}

Status TcptoTable::clear() const {
  auto fd = open_table(path_, O_WRONLY);
  if (!fd) return fd.error();
  if (auto st = sys::lock_exclusive(fd->get()); !st)
    return renamed(st.error(), "unable to lock " + path_);
  if (auto st = write_image(fd->get(), path_, std::string(kTcptoFileSize, '\0')); !st) return st;
  if (auto st = fd->close(); !st) return renamed(st.error(), "unable to write " + path_);
  return {};
}

}  // namespace qmail::net
