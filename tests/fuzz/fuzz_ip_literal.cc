// fuzz_ip_literal: any bytes as an IP address, an SMTP address literal and a
// domain for IDN conversion (net/ip.h, net/idn.h); whatever parses must print
// back to text that parses to the same address.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/idn.h"
#include "net/ip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace qmail::net;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ip = parse_ip(text)) {
    auto again = parse_ip(format_ip(*ip));
    if (!again || !(*again == *ip)) std::abort();
  }
  if (auto lit = parse_address_literal(text)) {
    auto again = parse_address_literal(format_address_literal(*lit));
    if (!again || !(*again == *lit)) std::abort();
  }
  auto ascii = domain_to_ascii(text);
  if (ascii && text.find('[') != 0) {
    for (char c : *ascii)
      if (static_cast<unsigned char>(c) >= 0x80) std::abort();
  }
  return 0;
}
