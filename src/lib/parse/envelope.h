// envelope.h: the two envelope formats of qmail's queue, parsed without I/O.
//
// 1. What a client hands qmail-queue on its fd 1 (qmail-queue(8)):
//    `F<sender>\0T<rcpt>\0...T<rcpt>\0\0`.  Untrusted: any local user can run
//    qmail-queue, and the addresses come from network peers through
//    qmail-smtpd.  qmail-queue uses the push parser (EnvelopeParser) so that
//    it never holds more than one address in memory.
// 2. The queue's own intd/N and todo/N files, as qmail-queue writes them:
//    `u<uid>\0p<pid>\0F<sender>\0T<rcpt>\0...`.  qmail-send and qmail-qread
//    read them; they come from qmail-queue but are still checked, since a
//    crash or a full disk can leave them cut short.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::parse {

/// The longest envelope address, not counting its NUL.  qmail-queue(8)'s
/// "address too long" (exit 11): qmail 1.03 reads at most 1003 bytes per
/// address including the terminating NUL, and we keep its limit so that what
/// one accepts the other accepts.
inline constexpr std::size_t kMaxEnvelopeAddress = 1002;

/// What EnvelopeParser::next found.
enum class EnvelopeEvent {
  kNeedMore,   // all input consumed, no record completed yet
  kSender,     // address() is the envelope sender
  kRecipient,  // address() is the next envelope recipient
  kEnd,        // the extra NUL that ends the envelope
  kBad,        // malformed envelope: qmail-queue exit 91
  kTooLong,    // an address longer than kMaxEnvelopeAddress: qmail-queue exit 11
};

/// A push parser of qmail-queue's input envelope.  Feed it bytes as they
/// arrive; it reports one record at a time and holds at most one address.
class EnvelopeParser {
 public:
  /// Consumes bytes from the front of `in` up to the end of the next record
  /// and says what it found.  After kEnd, kBad or kTooLong it consumes
  /// nothing and keeps returning the same event; bytes left in `in` after
  /// kEnd are the caller's to judge.
  EnvelopeEvent next(std::string_view& in);
  /// At end of input: kEnd when the envelope was complete, kTooLong after an
  /// over-long address, otherwise kBad (the final NUL never came).
  EnvelopeEvent finish();
  /// The address of the last kSender or kRecipient; valid until the next call.
  [[nodiscard]] std::string_view address() const { return addr_; }
  /// Why the parser gave kBad or kTooLong, for a diagnostic; empty otherwise.
  [[nodiscard]] std::string_view reason() const { return reason_; }

 private:
  enum class State { kStart, kSender, kRecordStart, kRecipient, kDone, kBad, kTooLong };
  EnvelopeEvent fail(State s, const char* why);

  State state_ = State::kStart;
  std::string addr_;
  const char* reason_ = "";
};

/// A whole envelope.
struct Envelope {
  std::string sender;
  std::vector<std::string> recipients;
};

/// Parses one complete envelope with nothing after its final NUL.
/// Errors: ErrorKind::kPermanent "address too long" (qmail-queue exit 11);
/// ErrorKind::kBug "bad envelope: ..." (exit 91: a bug in the client, which
/// qmail counts as a temporary failure).
Result<Envelope> parse_envelope(std::string_view bytes);

/// The records of intd/N and todo/N.
struct QueueEnvelope {
  std::uint64_t uid = 0;  // real uid of qmail-queue's caller
  std::uint64_t pid = 0;  // qmail-queue's process id
  std::string sender;
  std::vector<std::string> recipients;
};

/// Parses a queue envelope: `u` and `p` records of decimal digits, then one
/// `F` record, then any number of `T` records, each ending in NUL, nothing
/// else.  An address longer than kMaxEnvelopeAddress, a record cut short, a
/// missing or repeated record or an unknown letter gives ErrorKind::kBug
/// "bad queue envelope: ..." (the file is damaged; callers retry later or
/// leave it for the administrator).
Result<QueueEnvelope> parse_queue_envelope(std::string_view bytes);

}  // namespace qmail::parse
