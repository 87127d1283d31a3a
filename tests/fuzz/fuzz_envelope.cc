// fuzz_envelope: qmail-queue's input envelope and the queue's intd/todo
// records.  Besides not crashing, the push parser fed in pieces must agree
// with the whole-buffer parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/envelope.h"

using qmail::parse::EnvelopeEvent;
using qmail::parse::EnvelopeParser;

namespace {

// Feeds `bytes` in pieces whose sizes come from the first input byte and
// rebuilds the envelope; returns the final event.
EnvelopeEvent push_all(std::string_view bytes, std::size_t step, std::string& sender,
                       std::vector<std::string>& rcpts) {
  EnvelopeParser p;
  std::size_t off = 0;
  for (;;) {
    bool eof = off >= bytes.size();
    std::string_view piece = eof ? std::string_view() : bytes.substr(off, step);
    off += piece.size();
    for (;;) {
      EnvelopeEvent ev = eof ? p.finish() : p.next(piece);
      if (ev == EnvelopeEvent::kSender) {
        sender = p.address();
      } else if (ev == EnvelopeEvent::kRecipient) {
        rcpts.emplace_back(p.address());
      } else if (ev == EnvelopeEvent::kNeedMore) {
        break;
      } else {
        if (ev == EnvelopeEvent::kEnd && (!piece.empty() || off < bytes.size()))
          return EnvelopeEvent::kBad;  // data after the envelope
        return ev;
      }
      if (p.address().size() > qmail::parse::kMaxEnvelopeAddress) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  auto whole = qmail::parse::parse_envelope(all);
  std::size_t step = size > 0 ? 1 + data[0] % 16 : 1;
  std::string sender;
  std::vector<std::string> rcpts;
  EnvelopeEvent ev = push_all(all, step, sender, rcpts);
  if (whole.ok() != (ev == EnvelopeEvent::kEnd)) __builtin_trap();
  if (whole.ok() && (whole->sender != sender || whole->recipients != rcpts)) __builtin_trap();
  if (!whole.ok() && (ev == EnvelopeEvent::kTooLong) != !whole.error().temporary())
    __builtin_trap();

  auto queued = qmail::parse::parse_queue_envelope(all);
  if (queued.ok() && queued->sender.size() > qmail::parse::kMaxEnvelopeAddress) __builtin_trap();
  return 0;
}
