#include "control/cdb.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sys/open.h"

namespace qmail::control {

namespace {
constexpr std::uint64_t kHeaderSize = 2048;  // 256 (position, slots) pairs

std::uint32_t get_u32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint32_t>(u[0]) | static_cast<std::uint32_t>(u[1]) << 8 |
         static_cast<std::uint32_t>(u[2]) << 16 | static_cast<std::uint32_t>(u[3]) << 24;
}

Error corrupt(const char* why) { return temp_error(std::string("corrupt cdb: ") + why); }
}  // namespace

std::uint32_t cdb_hash(std::string_view key) {
  std::uint32_t h = 5381;
  for (char c : key) h = ((h << 5) + h) ^ static_cast<unsigned char>(c);
  return h;
}

Result<Cdb> Cdb::open(const std::string& path) {
  auto fd = sys::open_read(path);
  if (!fd) return fd.error();
  struct stat st;
  if (::fstat(fd->get(), &st) == -1) return sys_error("unable to stat " + path);
  return Cdb(std::move(*fd), static_cast<std::uint64_t>(st.st_size));
}

Cdb Cdb::from_memory(std::string_view bytes) { return Cdb(bytes); }

Status Cdb::read_at(std::uint64_t pos, std::size_t len, char* out) const {
  // Checked against the size first: a corrupt offset never reaches pread or memcpy.
  if (pos > size_ || len > size_ - pos) return corrupt("offset past end of file");
  if (!fd_.valid()) {
    if (len) std::memcpy(out, mem_.data() + pos, len);
    return {};
  }
  while (len > 0) {
    ssize_t r = ::pread(fd_.get(), out, len, static_cast<off_t>(pos));
    if (r < 0) {
      if (errno == EINTR) continue;
      return sys_error("unable to read cdb");
    }
    if (r == 0) return corrupt("file shrank while reading");
    out += r;
    pos += static_cast<std::uint64_t>(r);
    len -= static_cast<std::size_t>(r);
  }
  return {};
}

Result<std::uint32_t> Cdb::read_u32(std::uint64_t pos) const {
  char b[4];
  if (auto st = read_at(pos, 4, b); !st) return st.error();
  return get_u32(b);
}

Result<std::optional<std::string>> Cdb::Search::next(std::size_t max_value) {
  using Found = std::optional<std::string>;
  if (!started_) {
    started_ = true;
    hash_ = cdb_hash(key_);
    char pair[8];
    if (auto st = db_.read_at((hash_ & 255u) * 8u, 8, pair); !st) return st.error();
    table_pos_ = get_u32(pair);
    slots_ = get_u32(pair + 4);
    if (slots_ == 0) return Found{};
    if (table_pos_ < kHeaderSize || table_pos_ > db_.size_ ||
        static_cast<std::uint64_t>(slots_) * 8 > db_.size_ - table_pos_)
      return corrupt("hash table past end of file");
    slot_ = (hash_ >> 8) % slots_;
  }
  // Every slot is looked at most once, so a table with no empty slot ends too.
  while (looked_ < slots_) {
    char s[8];
    if (auto st = db_.read_at(table_pos_ + static_cast<std::uint64_t>(slot_) * 8, 8, s); !st)
      return st.error();
    ++looked_;
    if (++slot_ == slots_) slot_ = 0;
    std::uint32_t h = get_u32(s);
    std::uint32_t pos = get_u32(s + 4);
    if (pos == 0) return Found{};  // an empty slot ends the chain
    if (h != hash_) continue;
    char lens[8];
    if (auto st = db_.read_at(pos, 8, lens); !st) return st.error();
    std::uint32_t klen = get_u32(lens);
    std::uint32_t dlen = get_u32(lens + 4);
    if (klen != key_.size()) continue;
    std::uint64_t kpos = static_cast<std::uint64_t>(pos) + 8;
    if (kpos + klen + dlen > db_.size_) return corrupt("record past end of file");
    std::string k(klen, '\0');
    if (auto st = db_.read_at(kpos, klen, k.data()); !st) return st.error();
    if (k != key_) continue;
    if (dlen > max_value) return temp_error("cdb value too long");
    std::string data(dlen, '\0');
    if (auto st = db_.read_at(kpos + klen, dlen, data.data()); !st) return st.error();
    return Found{std::move(data)};
  }
  return Found{};
}

Result<std::optional<std::string>> Cdb::find(std::string_view key, std::size_t max_value) const {
  auto s = search(key);
  return s.next(max_value);
}

}  // namespace qmail::control
