// fingerprint.h: the text form of a SHA-256 certificate fingerprint, as
// control/tlsdestinations writes it.  Header-only and free of OpenSSL, so
// qmail-remote can check its control files even when built without TLS.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace qmail::tls {

/// Normalises a fingerprint (64 hex digits, or 32 pairs of them joined by ':',
/// any case) to 64 lower-case hex digits; "" for anything else.
inline std::string normalize_fingerprint(std::string_view text) {
  constexpr std::size_t kHex = 64;  // SHA-256: 32 bytes, 2 hex digits each
  bool colons = text.find(':') != std::string_view::npos;
  if (text.size() != (colons ? kHex / 2 * 3 - 1 : kHex)) return "";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (colons && i % 3 == 2) {
      if (c != ':') return "";
      continue;
    }
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
    out += c;
  }
  return out;
}

}  // namespace qmail::tls
