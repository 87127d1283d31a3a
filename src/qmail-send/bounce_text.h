// bounce_text.h: composing bounce messages in QSBMF, the qmail-send bounce
// message format (cr.yp.to/proto/qsbmf.txt): a first paragraph starting
// "Hi. This is the", one paragraph per failed recipient starting "<address>:",
// then a "--- Below this line ..." line and the original message.  Pure
// functions; sender and reports are untrusted bytes and are kept from
// breaking the header or the paragraph structure.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace qmail::send {

struct BounceSettings {
  std::string bouncefrom = "MAILER-DAEMON";
  std::string bouncehost = "bouncehost";
  std::string doublebounceto = "postmaster";
  std::string doublebouncehost = "doublebouncehost";
};

enum class BounceKind {
  kSingle,   // to the original sender, envelope sender ""
  kDouble,   // the sender was "": to doublebounceto@doublebouncehost, sender "#@[]"
  kDiscard,  // the sender was "#@[]" (a double bounce) or doublebounceto is empty
};

/// The envelope sender qmail uses for double bounces, which never bounce again.
inline constexpr std::string_view kDoubleBounceSender = "#@[]";

struct BounceEnvelope {
  BounceKind kind = BounceKind::kSingle;
  std::string sender;     // envelope sender of the bounce
  std::string recipient;  // envelope recipient of the bounce (also To:)
};

/// Decides where the bounce of a message from `original_sender` goes.
BounceEnvelope bounce_envelope(const BounceSettings& s, std::string_view original_sender);

struct Failure {
  std::string recipient;
  std::string report;
};

/// The header and the first paragraph.  `msg` is the bounced message's
/// number and `qp` qmail-send's pid, both only for unique identifiers.
std::string bounce_head(const BounceSettings& s, const BounceEnvelope& env, std::uint64_t msg,
                        long qp, std::time_t now);
/// One recipient's paragraph: "<rcpt>:", the report's non-empty lines, a blank line.
std::string bounce_paragraph(std::string_view rcpt, std::string_view report);
/// The line that separates the paragraphs from the copied message.
std::string bounce_separator(BounceKind kind);

/// The whole bounce: head, paragraphs, separator, then `message` as it is.
std::string compose_bounce(const BounceSettings& s, const BounceEnvelope& env,
                           const std::vector<Failure>& failures, std::string_view message,
                           std::uint64_t msg, long qp, std::time_t now);

}  // namespace qmail::send
