// fuzz_ident_reply: any bytes as an RFC 1413 reply line for one connection;
// a user-id that comes back must obey the parser's promises.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/ident_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto user = qmail::parse::parse_ident_reply(line, 6191, 23);
  if (!user) return 0;
  if (user->empty() || user->size() > qmail::parse::kMaxIdentUserId) std::abort();
  for (char c : *user)
    if (c == '\0' || c == '\r' || c == '\n') std::abort();
  return 0;
}
