// fuzz_dot_forward.cc: feeds arbitrary bytes to the .forward parser
// (src/lib/parse/dot_forward) as a whole file and as one line; it must never
// crash, and what it accepts must be consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/dot_forward.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const qmail::parse::ForwardContext ctx{"joe", "example.com", "mail.example.com", "example.com",
                                         "plus.example"};
  auto r = qmail::parse::parse_dot_forward(in, ctx);
  if (r.ok()) {
    if (r->size() > qmail::parse::kMaxDotForwardTargets) std::abort();
    for (const auto& i : *r) {
      if (i.target.find('\0') != std::string_view::npos) std::abort();
      if (i.kind == qmail::parse::ForwardKind::kAddress && i.target.find('@') == std::string::npos)
        std::abort();
    }
  }
  auto words = qmail::parse::split_forward_line(in.substr(0, in.find('\n')));
  if (words.ok()) {
    for (const auto& w : *words)
      if (w.text.empty()) std::abort();
  }
  return 0;
}
