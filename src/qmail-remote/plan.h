// plan.h: which destinations of one worker job (qmail-remote --worker, one
// message with recipients at several domains) go in one SMTP transaction.
// Domains share a transaction when qmail-remote would try the same hosts for
// each, in an order that is valid for each, under the same TLS and AUTH
// settings: then one transaction to the first host that answers is what a
// delivery per domain would have made, only with fewer connections.  A
// domain whose certificate is checked against its own name (tlsdestinations
// "verify" or a pinned CA) never shares: the check covers that name only.
// Pure: the lookups are done before, the answers are in each Destination.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "qmail-remote/settings.h"
#include "qmail-remote/targets.h"

namespace qmail::remote {

/// The recipients of a job at one domain, and what that domain's delivery uses.
struct Destination {
  std::string domain;                   // lower case, as the recipients have it
  std::string ascii_domain;             // in A-labels
  std::vector<std::size_t> recipients;  // positions in the job's recipient list
  TlsPolicy tls;
  const AuthRule* auth = nullptr;
  bool found = false;  // `targets` holds where to connect (else the lookup failed)
  TargetList targets;
};

/// What destinations must agree on to share a transaction; "" when this one
/// never shares (no targets, or a certificate checked against its name).  The
/// targets are compared as a set: the DNS shuffles hosts of equal preference,
/// so two domains with the same mail hosts may list them in another order.
std::string sharing_key(const Config& config, const Destination& d);

/// The destinations in groups that share a transaction: positions in `ds`,
/// each group in the order of its first member, each member after the one
/// it shares with.  Every position appears once.
std::vector<std::vector<std::size_t>> share_transactions(const Config& config,
                                                         const std::vector<Destination>& ds);

}  // namespace qmail::remote
