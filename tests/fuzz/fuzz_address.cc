// fuzz_address.cc: feeds arbitrary bytes to the RFC 822 address-list parser
// (src/lib/parse/rfc822_address.h) and checks that what format_field() writes
// parses again to the same addresses.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "parse/rfc822_address.h"

using namespace qmail::parse;

namespace {
std::vector<std::string> addresses(const AddressList& list) {
  std::vector<std::string> out;
  for (const auto& item : list)
    if (item.kind == AddressItem::Kind::kAddress) out.push_back(envelope_form(item.tokens));
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = parse_address_list(text);
  (void)quote_address(text);
  if (!list) return 0;
  std::string field = format_field("To", *list);
  if (field.empty() || field.back() != '\n') std::abort();
  auto again = parse_address_list(std::string_view(field).substr(3));
  if (!again) std::abort();
  if (addresses(*again) != addresses(*list)) std::abort();
  return 0;
}
