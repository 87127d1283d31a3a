// recipients.h: recipient checking at SMTP time.  qmail-smtpd asks a
// RecipientMap, built from control/recipients.cdb, whether an RCPT address in
// one of this host's local or virtual domains can be delivered, so that it can
// answer 550 at once instead of accepting the message and bouncing it later.
// The check is off while the cdb does not exist.
//
// The cdb is written by qmail-newrcpt(8) (trusted as far as its bytes: control/
// cdb.h checks every offset); the address comes from the network and is not
// trusted at all: it is lower-cased, cut at its last '@' and used only as part
// of a bounded number of lookup keys.
//
// The cdb keys, all lower-cased, all with empty values:
//   "@" domain                the domain is covered by the check
//   ":" local "@" domain      this exact address is deliverable
//   "+" prefix "@" domain     every local part starting with prefix is
//                             deliverable (an empty prefix: the whole domain)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "control/cdb.h"

namespace qmail::control {

/// Local parts longer than this are never deliverable here: no key is that
/// long, and it bounds the lookups of one check (one per prefix length).
/// RFC 5321 4.5.3.1.1 allows 64 octets; qmail itself sets no limit.
inline constexpr std::size_t kMaxRecipientLocal = 1024;

class RecipientMap {
 public:
  enum class Verdict {
    kNotCovered,  // the domain is not checked: take the recipient as before
    kKnown,       // deliverable (or qmail-newrcpt was unsure): accept
    kUnknown,     // the domain is checked and nothing matches: refuse with 550
  };

  /// Opens the cdb at `path`.  nullopt when the file does not exist (checking
  /// is off); any other trouble opening it is a temporary error.
  static Result<std::optional<RecipientMap>> open(const std::string& path);
  /// A map over cdb bytes in memory, which must outlive it (tests, fuzzing).
  static RecipientMap from_memory(std::string_view bytes);

  /// What the cdb says about `address` ("local@domain" as the client sent it,
  /// any case; the domain is after the last '@').  No '@': kNotCovered.  A
  /// domain's postmaster is always kKnown (RFC 5321 4.5.1).  A read error or
  /// a corrupt cdb is a temporary error.  At most 3 + kMaxRecipientLocal
  /// lookups.
  [[nodiscard]] Result<Verdict> check(std::string_view address) const;

 private:
  explicit RecipientMap(Cdb db) : db_(std::move(db)) {}
  Result<bool> has(std::string_view key) const;

  Cdb db_;
};

}  // namespace qmail::control
