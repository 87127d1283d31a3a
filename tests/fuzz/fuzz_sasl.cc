// fuzz_sasl.cc: feeds arbitrary bytes to the SMTP AUTH parsers
// (src/lib/parse/sasl): base64_decode first, then the PLAIN, CRAM-MD5 and
// LOGIN parsers with both the decoded and the raw bytes.  It must never
// crash; every rejection must be permanent; whatever is accepted must keep
// the documented limits, and base64 must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parse/sasl.h"

namespace {
using namespace qmail::parse;

void check_field(const std::string& f) {
  if (f.empty() || f.size() > kMaxSaslField || f.find('\0') != std::string::npos) std::abort();
}

void check_parsers(std::string_view in) {
  if (auto r = parse_sasl_plain(in); r.ok()) {
    check_field(r->user);
    check_field(r->secret);
  } else if (r.error().temporary()) {
    std::abort();
  }
  if (auto r = parse_sasl_cram_md5(in); r.ok()) {
    check_field(r->user);
    if (r->secret.size() != 32) std::abort();
    for (char c : r->secret)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) std::abort();
  } else if (r.error().temporary()) {
    std::abort();
  }
  if (auto r = parse_sasl_login_field(in); r.ok()) {
    check_field(*r);
    if (*r != in) std::abort();
  } else if (r.error().temporary()) {
    std::abort();
  }
  (void)parse_sasl_mechanism(in);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto decoded = base64_decode(in);
  if (decoded.ok()) {
    std::size_t pad = 0;
    while (pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
    if (in.size() > kMaxSaslEncoded || pad > 2 || decoded->size() != in.size() / 4 * 3 - pad)
      std::abort();
    // Re-encoding gives the input back up to the unused low bits of the
    // last character, which a second decode must reproduce exactly.
    auto again = base64_decode(base64_encode(*decoded));
    if (!again.ok() || *again != *decoded) std::abort();
    check_parsers(*decoded);
  } else if (decoded.error().temporary()) {
    std::abort();
  }
  check_parsers(in);
  return 0;
}
