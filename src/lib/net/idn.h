// idn.h: internationalized domain names (RFC 5890) to their ASCII form, for
// SMTPUTF8 (RFC 6531): qmail-smtpd turns a UTF-8 domain in MAIL FROM and RCPT
// TO into A-labels before it looks the domain up in rcpthosts, and the remote
// side before it asks the DNS.  The domain comes from a peer: anything libidn2
// rejects is a permanent error, never a crash.
//
// This file is not in libqmail: programs that need it link
// src/lib/net/libqmailidn.la (which brings libidn2), so the other programs
// stay free of the library.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace qmail::net {

/// Longest UTF-8 domain we hand to libidn2; its ASCII form must fit in the
/// 255 octets of RFC 5321 4.5.3.1.2, and a UTF-8 character takes at most
/// four bytes.
inline constexpr std::size_t kMaxUtf8Domain = 1020;

/// The ASCII form of `domain`.  An all-ASCII domain and an address literal
/// ("[...]") come back unchanged (case is the caller's business); a UTF-8
/// domain is converted by IDNA2008 (non-transitional, NFC).  Permanent errors:
/// "invalid internationalized domain name", and "IDN support not built in" for
/// a non-ASCII domain when the program was built without libidn2.
Result<std::string> domain_to_ascii(std::string_view domain);

}  // namespace qmail::net
