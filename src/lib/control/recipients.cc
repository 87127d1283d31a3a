#include "control/recipients.h"

#include <cerrno>

#include "base/str.h"

namespace qmail::control {

namespace {
// Values are empty; a longer one only means some other tool wrote the file,
// and reading it must stay bounded.
constexpr std::size_t kMaxValue = 1024;
}  // namespace

Result<std::optional<RecipientMap>> RecipientMap::open(const std::string& path) {
  auto db = Cdb::open(path);
  if (!db) {
    if (db.error().errnum == ENOENT) return std::optional<RecipientMap>();
    return db.error();
  }
  return std::optional<RecipientMap>(RecipientMap(std::move(*db)));
}

RecipientMap RecipientMap::from_memory(std::string_view bytes) {
  return RecipientMap(Cdb::from_memory(bytes));
}

Result<bool> RecipientMap::has(std::string_view key) const {
  auto v = db_.find(key, kMaxValue);
  if (!v) return v.error();
  return v->has_value();
}

Result<RecipientMap::Verdict> RecipientMap::check(std::string_view address) const {
  std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return Verdict::kNotCovered;
  std::string addr = ascii_lower(address);
  std::string_view local = std::string_view(addr).substr(0, at);
  std::string_view domain = std::string_view(addr).substr(at);  // with its '@'

  auto covered = has(domain);
  if (!covered) return covered.error();
  if (!*covered) return Verdict::kNotCovered;
  if (local.size() > kMaxRecipientLocal) return Verdict::kUnknown;
  if (local == "postmaster") return Verdict::kKnown;

  // ":" local "@" domain, then "+" prefix "@" domain from the longest prefix
  // down to the empty one: one lookup per prefix length.
  std::string key;
  key.reserve(1 + addr.size());
  key.push_back(':');
  key.append(addr);
  auto exact = has(key);
  if (!exact) return exact.error();
  if (*exact) return Verdict::kKnown;
  for (std::size_t n = local.size() + 1; n-- > 0;) {
    key.assign(1, '+');
    key.append(local.substr(0, n));
    key.append(domain);
    auto prefix = has(key);
    if (!prefix) return prefix.error();
    if (*prefix) return Verdict::kKnown;
  }
  return Verdict::kUnknown;
}

}  // namespace qmail::control
