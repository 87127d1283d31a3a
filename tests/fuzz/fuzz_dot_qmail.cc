// fuzz_dot_qmail.cc: feeds arbitrary bytes to the .qmail parser and the
// extension search.  Every view the parser returns must lie inside the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/dot_qmail.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto lines = qmail::parse::parse_dot_qmail(in);
  if (lines) {
    for (const auto& l : *lines) {
      if (l.text.data() < in.data() || l.text.data() + l.text.size() > in.data() + in.size())
        std::abort();
    }
  }
  // The first line doubles as an extension: the candidates must be well formed.
  std::string_view ext = in.substr(0, in.find('\n'));
  if (ext.size() <= 1024) {
    for (const auto& c : qmail::parse::dot_qmail_candidates("-", ext)) {
      if (c.name.find('.', 1) != std::string_view::npos) std::abort();
      if (c.default_from && *c.default_from > ext.size()) std::abort();
    }
  }
  return 0;
}
