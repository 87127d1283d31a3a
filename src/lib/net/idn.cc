#include "net/idn.h"

#include <algorithm>

#include "config.h"

#ifdef QM_HAVE_IDN2
#include <dlfcn.h>
#include <idn2.h>

#include <cstdlib>
#endif

namespace qmail::net {

namespace {
bool all_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

#ifdef QM_HAVE_IDN2
// libidn2 is loaded the first time a name needs it, not when a program
// starts: qmail-smtpd is exec'd once per connection and almost never sees a
// UTF-8 domain, and loading libidn2 and libunistring costs about 0.25 ms per
// exec.  The ABI's soname has been libidn2.so.0 since libidn2 2.0.
using ToAscii = int (*)(const char*, char**, int);

ToAscii load_to_ascii() {
  static ToAscii fn = []() -> ToAscii {
    if (void* self = ::dlsym(RTLD_DEFAULT, "idn2_to_ascii_8z"))
      return reinterpret_cast<ToAscii>(self);
    void* lib = ::dlopen("libidn2.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return nullptr;
    return reinterpret_cast<ToAscii>(::dlsym(lib, "idn2_to_ascii_8z"));
  }();
  return fn;
}
#endif

}  // namespace

Result<std::string> domain_to_ascii(std::string_view domain) {
  if (all_ascii(domain)) return std::string(domain);
  // a literal is not a name: leave it for the literal parser to judge
  if (domain.front() == '[') return std::string(domain);
#ifdef QM_HAVE_IDN2
  if (domain.size() > kMaxUtf8Domain || domain.find('\0') != std::string_view::npos)
    return perm_error("invalid internationalized domain name");
  ToAscii to_ascii = load_to_ascii();
  if (!to_ascii) return temp_error("unable to load libidn2.so.0");
  std::string input(domain);
  char* out = nullptr;
  int rc = to_ascii(input.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (rc != IDN2_OK || out == nullptr) {
    std::free(out);  // libidn2 allocates with malloc (idn2_free is free)
    return perm_error("invalid internationalized domain name");
  }
  std::string result(out);
  std::free(out);
  return result;
#else
  return perm_error("IDN support not built in");
#endif
}

}  // namespace qmail::net
