#include "parse/envelope.h"

#include <cstring>

#include "base/str.h"

namespace qmail::parse {

EnvelopeEvent EnvelopeParser::fail(State s, const char* why) {
  state_ = s;
  reason_ = why;
  addr_.clear();
  return s == State::kTooLong ? EnvelopeEvent::kTooLong : EnvelopeEvent::kBad;
}

EnvelopeEvent EnvelopeParser::next(std::string_view& in) {
  for (;;) {
    switch (state_) {
      case State::kDone:
        return EnvelopeEvent::kEnd;
      case State::kBad:
        return EnvelopeEvent::kBad;
      case State::kTooLong:
        return EnvelopeEvent::kTooLong;
      case State::kStart:
      case State::kRecordStart: {
        if (in.empty()) return EnvelopeEvent::kNeedMore;
        char c = in.front();
        in.remove_prefix(1);
        addr_.clear();
        if (state_ == State::kStart) {
          if (c != 'F') return fail(State::kBad, "envelope does not start with F");
          state_ = State::kSender;
        } else if (c == '\0') {
          state_ = State::kDone;
          return EnvelopeEvent::kEnd;
        } else if (c != 'T') {
          return fail(State::kBad, "recipient record does not start with T");
        } else {
          state_ = State::kRecipient;
        }
        break;
      }
      case State::kSender:
      case State::kRecipient: {
        const void* nul = std::memchr(in.data(), '\0', in.size());
        std::size_t take =
            nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - in.data()) : in.size();
        // qmail-queue(8) exit 11: checked before anything is kept, so an
        // endless address costs no memory.
        if (addr_.size() + take > kMaxEnvelopeAddress)
          return fail(State::kTooLong, "address too long");
        addr_.append(in.data(), take);
        if (!nul) {
          in.remove_prefix(take);
          return EnvelopeEvent::kNeedMore;
        }
        in.remove_prefix(take + 1);
        bool sender = state_ == State::kSender;
        state_ = State::kRecordStart;
        return sender ? EnvelopeEvent::kSender : EnvelopeEvent::kRecipient;
      }
    }
  }
}

EnvelopeEvent EnvelopeParser::finish() {
  switch (state_) {
    case State::kDone:
      return EnvelopeEvent::kEnd;
    case State::kTooLong:
      return EnvelopeEvent::kTooLong;
    case State::kBad:
      return EnvelopeEvent::kBad;
    default:
      return fail(State::kBad, "envelope ends before its final NUL");
  }
}

Result<Envelope> parse_envelope(std::string_view bytes) {
  EnvelopeParser p;
  Envelope env;
  for (;;) {
    EnvelopeEvent ev = p.next(bytes);
    switch (ev) {
      case EnvelopeEvent::kSender:
        env.sender = p.address();
        continue;
      case EnvelopeEvent::kRecipient:
        env.recipients.emplace_back(p.address());
        continue;
      case EnvelopeEvent::kNeedMore:
        ev = p.finish();
        break;
      default:
        break;
    }
    if (ev == EnvelopeEvent::kEnd) {
      if (!bytes.empty())
        return Error{ErrorKind::kBug, 0, "bad envelope: data after the end of the envelope"};
      return env;
    }
    if (ev == EnvelopeEvent::kTooLong) return perm_error("address too long");
    return Error{ErrorKind::kBug, 0, "bad envelope: " + std::string(p.reason())};
  }
}

namespace {

Error bad_queue_envelope(const char* why) {
  return Error{ErrorKind::kBug, 0, std::string("bad queue envelope: ") + why};
}

// Splits off the next NUL-terminated record; false when none is left or the
// last one has no NUL (reported through `cut`).
bool next_record(std::string_view& in, std::string_view& rec, bool& cut) {
  if (in.empty()) return false;
  std::size_t nul = in.find('\0');
  if (nul == std::string_view::npos) {
    cut = true;
    return false;
  }
  rec = in.substr(0, nul);
  in.remove_prefix(nul + 1);
  return true;
}

}  // namespace

Result<QueueEnvelope> parse_queue_envelope(std::string_view bytes) {
  QueueEnvelope env;
  // Which record comes next: qmail-queue writes u, p, F, then T...
  enum { kWantUid, kWantPid, kWantSender, kWantRecipients } want = kWantUid;
  std::string_view rec;
  bool cut = false;
  while (next_record(bytes, rec, cut)) {
    if (rec.empty()) return bad_queue_envelope("empty record");
    char letter = rec.front();
    std::string_view value = rec.substr(1);
    if (value.size() > kMaxEnvelopeAddress) return bad_queue_envelope("record too long");
    switch (want) {
      case kWantUid:
      case kWantPid: {
        if (letter != (want == kWantUid ? 'u' : 'p'))
          return bad_queue_envelope(want == kWantUid ? "no u record" : "no p record");
        auto n = scan_u64(value);
        if (!n) return bad_queue_envelope("number expected");
        (want == kWantUid ? env.uid : env.pid) = *n;
        want = want == kWantUid ? kWantPid : kWantSender;
        break;
      }
      case kWantSender:
        if (letter != 'F') return bad_queue_envelope("no F record");
        env.sender = value;
        want = kWantRecipients;
        break;
      case kWantRecipients:
        if (letter != 'T') return bad_queue_envelope("unexpected record");
        env.recipients.emplace_back(value);
        break;
    }
  }
  if (cut) return bad_queue_envelope("last record cut short");
  if (want != kWantRecipients) return bad_queue_envelope("missing records");
  return env;
}

}  // namespace qmail::parse
