// ident.h: the RFC 1413 client of tcp-env -r: asks the remote host's
// identification server (port 113) who owns the connection on descriptor 0.
// Called by tcp_env.cc only.  The answer is parsed by parse/ident_reply.h;
// the whole exchange is bounded by one deadline, so a silent or slow server
// delays the program by at most that long.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "net/ip.h"

namespace qmail::tcpenv {

inline constexpr std::uint16_t kIdentPort = 113;  // RFC 1413

/// The user-id the remote host's ident server gives for the connection
/// local:local_port <-> remote:remote_port, as the server sent it, or nullopt
/// when there is none (no server, an error reply, a bad reply, the deadline).
/// The query is sent from `local`, so the server sees the address it knows,
/// to `server_port` (113 but in tests).
std::optional<std::string> ask_ident(const net::IpAddress& local, std::uint16_t local_port,
                                     const net::IpAddress& remote, std::uint16_t remote_port,
                                     unsigned timeout_seconds,
                                     std::uint16_t server_port = kIdentPort);

}  // namespace qmail::tcpenv
