#include "log/escape.h"

namespace qmail::log {

void append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u > 0x7e) ? '?' : c;
  }
}

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_escaped(out, s);
  return out;
}

}  // namespace qmail::log
