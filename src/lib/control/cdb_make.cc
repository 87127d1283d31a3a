#include "control/cdb_make.h"

#include <limits>

#include "control/cdb.h"
#include "sys/open.h"

namespace qmail::control {

namespace {
constexpr std::uint64_t kHeaderSize = 2048;
constexpr std::uint64_t kMaxFile = std::numeric_limits<std::uint32_t>::max();

void put_u32(std::string& out, std::uint32_t n) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
}

void set_u32(std::string& out, std::size_t at, std::uint32_t n) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((n >> (8 * i)) & 0xff);
}

Error too_big() { return perm_error("cdb would be larger than 4 GiB"); }
}  // namespace

Status CdbMake::add(std::string_view key, std::string_view data) {
  // Each record costs 8 bytes of lengths plus, later, two 8-byte hash slots.
  std::uint64_t pos = kHeaderSize + records_.size();
  std::uint64_t after = pos + 8 + key.size() + data.size();
  if (key.size() > kMaxFile || data.size() > kMaxFile ||
      after + 16 * (entries_.size() + 1) > kMaxFile)
    return too_big();
  put_u32(records_, static_cast<std::uint32_t>(key.size()));
  put_u32(records_, static_cast<std::uint32_t>(data.size()));
  records_.append(key);
  records_.append(data);
  entries_.push_back({cdb_hash(key), static_cast<std::uint32_t>(pos)});
  return {};
}

Result<std::string> CdbMake::finish() {
  std::uint64_t total = kHeaderSize + records_.size() + 16 * entries_.size();
  if (total > kMaxFile) return too_big();
  std::string out(kHeaderSize, '\0');
  out.reserve(total);
  out += records_;

  // Bucket the entries by the low byte of their hash, keeping the order they
  // were added in, so a key's values come back in that order.
  std::uint32_t count[256] = {};
  for (const auto& e : entries_) ++count[e.hash & 255];
  std::uint32_t start[256];
  std::uint32_t sum = 0;
  for (int i = 0; i < 256; ++i) {
    start[i] = sum;
    sum += count[i];
  }
  std::vector<Entry> sorted(entries_.size());
  std::uint32_t fill[256];
  for (int i = 0; i < 256; ++i) fill[i] = start[i];
  for (const auto& e : entries_) sorted[fill[e.hash & 255]++] = e;

  std::vector<Entry> table;
  for (int i = 0; i < 256; ++i) {
    // Twice as many slots as entries: a probe always finds an empty slot.
    std::uint32_t slots = count[i] * 2;
    set_u32(out, static_cast<std::size_t>(i) * 8, static_cast<std::uint32_t>(out.size()));
    set_u32(out, static_cast<std::size_t>(i) * 8 + 4, slots);
    table.assign(slots, Entry{0, 0});
    for (std::uint32_t j = 0; j < count[i]; ++j) {
      const Entry& e = sorted[start[i] + j];
      std::uint32_t s = (e.hash >> 8) % slots;
      while (table[s].pos != 0) s = (s + 1) % slots;
      table[s] = e;
    }
    for (const auto& t : table) {
      put_u32(out, t.hash);
      put_u32(out, t.pos);
    }
  }
  records_.clear();
  entries_.clear();
  return out;
}

Status write_cdb_atomic(const std::string& path, CdbMake& maker, mode_t mode) {
  auto bytes = maker.finish();
  if (!bytes) return bytes.error();
  return sys::write_file_atomic(path, *bytes, mode);
}

}  // namespace qmail::control
