// fuzz_header.cc: feeds arbitrary bytes as a message to the header splitter
// (src/lib/parse/rfc822_header.h) and checks its invariants: every field has
// a name and ends in a newline.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/rfc822_header.h"

using namespace qmail::parse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto split = split_header(text);
  if (!split) return 0;
  for (const auto& f : split->fields) {
    if (f.name().empty() || f.text.back() != '\n') std::abort();
    if (f.text[f.colon] != ':') std::abort();
  }
  return 0;
}
