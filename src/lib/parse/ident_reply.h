// ident_reply.h: the reply of an RFC 1413 identification server, which
// tcp-env asks (tcp-env -r) for TCPREMOTEINFO.  The reply comes from the
// remote host and is trusted for nothing: a pure function with the RFC's
// limits, rejecting anything that is not a well-formed USERID reply for the
// connection we asked about.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace qmail::parse {

/// Longest reply line we read, CR LF included: RFC 1413 allows a user-id of
/// 512 octets, and the ports, the keywords and the operating system fit
/// easily in the rest.
inline constexpr std::size_t kMaxIdentLine = 1000;
/// RFC 1413 "user-id": 1 to 512 octets.
inline constexpr std::size_t kMaxIdentUserId = 512;

/// The user-id of `line` (one reply line, with or without its CR LF), which
/// must have the form "<remote-port> , <local-port> : USERID : <opsys> :
/// <user-id>" for the ports we asked about.  Blanks around the fields are
/// dropped; the user-id may hold any octet but NUL, CR and LF.  A permanent
/// error for an ERROR reply, other ports, or any malformed line.
Result<std::string> parse_ident_reply(std::string_view line, std::uint16_t remote_port,
                                      std::uint16_t local_port);

/// The query line for a connection: "<remote-port> , <local-port>\r\n".
std::string ident_query(std::uint16_t remote_port, std::uint16_t local_port);

}  // namespace qmail::parse
