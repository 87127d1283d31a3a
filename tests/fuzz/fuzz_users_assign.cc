// fuzz_users_assign: users/assign text into parse_users_assign, its records,
// and a lookup through them; parse_user_fields on the raw bytes too.
#include <cstdint>
#include <map>
#include <string>

#include "parse/users_assign.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)qmail::parse::parse_user_fields(text);
  auto parsed = qmail::parse::parse_users_assign(text);
  if (!parsed) return 0;
  std::map<std::string, std::string> kv;
  for (auto& r : qmail::parse::users_cdb_records(*parsed)) kv.emplace(r.key, r.value);
  qmail::parse::UsersCdbFetch fetch =
      [&](std::string_view key) -> qmail::Result<std::optional<std::string>> {
    auto it = kv.find(std::string(key));
    if (it == kv.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  };
  for (const auto& a : *parsed) {
    (void)qmail::parse::lookup_users_cdb(a.local, fetch);
    (void)qmail::parse::lookup_users_cdb(a.local + "-Ext", fetch);
  }
  return 0;
}
