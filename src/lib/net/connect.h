// connect.h: a TCP connection to a mail host, for qmail-remote.  The connect
// has a deadline (control/timeoutconnect) and may start from a chosen local
// address (control/outgoingip).  The returned socket is blocking; the callers'
// reads and writes carry their own deadlines (io::FdStream, tls::TlsStream).
#pragma once

#include <cstdint>

#include "base/fd.h"
#include "base/result.h"
#include "net/ip.h"

namespace qmail::net {

/// Connects to `ip`:`port` within `timeout_seconds` (0: the kernel's own),
/// from `source` when it has a family (port chosen by the kernel).  Errors are
/// temporary and carry errno: ETIMEDOUT when the deadline passed,
/// ECONNREFUSED, ENETUNREACH ... as the kernel says.
Result<Fd> tcp_connect(const IpAddress& ip, std::uint16_t port, const IpAddress& source,
                       unsigned timeout_seconds);

}  // namespace qmail::net
