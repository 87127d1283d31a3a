// ipme.h: the addresses of this host (qmail's ipme), so that qmail-smtpd and
// the remote side can tell "this host" from a peer: every address configured
// on an interface, of both families, plus 0.0.0.0 and :: (which reach this
// host too).  The kernel's interface list is trusted.
#pragma once

#include <vector>

#include "base/result.h"
#include "net/ip.h"

namespace qmail::net {

/// Every address configured on this host's interfaces (getifaddrs), without
/// duplicates, plus 0.0.0.0 and ::.  A temporary error when the list cannot be
/// read.
Result<std::vector<IpAddress>> local_addresses();

/// True when `ip` is one of `mine` (as returned by local_addresses).
bool is_local_address(const IpAddress& ip, const std::vector<IpAddress>& mine);

}  // namespace qmail::net
