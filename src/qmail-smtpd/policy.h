// policy.h: what qmail-smtpd decides about an envelope address once it
// parses: badmailfrom, badrcptto, localiphost, IDN domains, and relaying
// (rcpthosts, morercpthosts.cdb, RELAYCLIENT, AUTH).  The address comes from
// the client and is untrusted; the decision is a pure function of it and the
// Config, so it can be tested without a connection.
#pragma once

#include <string>
#include <string_view>

#include "settings.h"

namespace qmail::smtpd {

struct RcptDecision {
  bool accepted = false;
  std::string reply;    // the full reply line when refused, without CR LF
  std::string address;  // when accepted: the address for the envelope
};

/// True when `sender` (or its @domain) is in badmailfrom.
bool sender_is_bad(const Config& cfg, std::string_view sender);

/// True when `domain` may receive mail through this server without relay
/// permission: it, or a parent domain listed with a leading dot, is in
/// rcpthosts or morercpthosts.cdb.  Case does not matter.
bool rcpthosts_allow(const Config& cfg, std::string_view domain);

/// Decides one RCPT address (already parsed).  `may_relay` is true for a
/// RELAYCLIENT or authenticated client.  Refusals, in order: badmailfrom
/// sender (`sender_bad`), an IDN domain that does not convert, badrcptto,
/// then for clients that may not relay: sender-specified routing in the local
/// part ('@', '%' or '!') and a domain outside rcpthosts.  The accepted
/// address has [local IP] literals replaced by localiphost and an IDN domain
/// in its A-label form; the caller appends RELAYCLIENT after recipient checking.
RcptDecision decide_recipient(const Config& cfg, std::string_view address, bool may_relay,
                              bool sender_bad);

}  // namespace qmail::smtpd
