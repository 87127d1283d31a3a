// fuzz_cdb: any bytes as a cdb file.  Lookups of a few keys, every value of
// each, must end with a value, nothing or an error: never a crash or a hang.
#include <cstdint>
#include <string>

#include "control/cdb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  qmail::control::Cdb db = qmail::control::Cdb::from_memory(bytes);
  const std::string keys[] = {"", "one", "two", std::string("!joe\0", 5), "!", "!joe-"};
  for (const auto& k : keys) {
    auto s = db.search(k);
    for (int i = 0; i < 64; ++i) {
      auto v = s.next(1 << 16);
      if (!v || !v->has_value()) break;
    }
  }
  return 0;
}
