#include "net/idn.h"

#include <algorithm>

#include "config.h"

#ifdef QM_HAVE_IDN2
#include <idn2.h>
#endif

namespace qmail::net {

namespace {
bool all_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}
}  // namespace

Result<std::string> domain_to_ascii(std::string_view domain) {
  if (all_ascii(domain)) return std::string(domain);
  // a literal is not a name: leave it for the literal parser to judge
  if (domain.front() == '[') return std::string(domain);
#ifdef QM_HAVE_IDN2
  if (domain.size() > kMaxUtf8Domain || domain.find('\0') != std::string_view::npos)
    return perm_error("invalid internationalized domain name");
  std::string input(domain);
  char* out = nullptr;
  int rc = ::idn2_to_ascii_8z(input.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (rc != IDN2_OK || out == nullptr) {
    ::idn2_free(out);
    return perm_error("invalid internationalized domain name");
  }
  std::string result(out);
  ::idn2_free(out);
  return result;
#else
  return perm_error("IDN support not built in");
#endif
}

}  // namespace qmail::net
