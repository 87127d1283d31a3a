// fuzz_smtp_data: the DATA stream of qmail-smtpd.  Whatever the bytes, the
// decoder fed in pieces (sizes taken from the first input byte) must produce
// exactly what it produces when fed the whole input at once.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parse/smtp_data.h"

using qmail::parse::SmtpDataDecoder;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);

  SmtpDataDecoder whole;
  std::string whole_out;
  std::size_t whole_used = whole.feed(all, whole_out);

  std::size_t step = size > 0 ? 1 + data[0] % 17 : 1;
  SmtpDataDecoder pieces;
  std::string pieces_out;
  std::size_t used = 0;
  for (std::size_t off = 0; off < size; off += step) {
    std::string_view piece = all.substr(off, step);
    std::size_t n = pieces.feed(piece, pieces_out);
    if (n > piece.size()) std::abort();
    used += n;
    if (n < piece.size() && !pieces.done()) std::abort();  // only the end stops it
    if (pieces.done()) break;
  }

  if (whole_used > size || whole_used != used) std::abort();
  if (whole.done() != pieces.done() || whole_out != pieces_out) std::abort();
  if (whole_used < size && !whole.done()) std::abort();
  const auto& a = whole.stats();
  const auto& b = pieces.stats();
  if (a.bytes != b.bytes || a.hops != b.hops || a.header_too_long != b.header_too_long ||
      a.bare_lf != b.bare_lf || a.bare_cr != b.bare_cr || a.eight_bit != b.eight_bit)
    std::abort();
  if (a.bytes != whole_out.size() || whole_out.size() > size) std::abort();
  return 0;
}
