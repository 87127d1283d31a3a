// fuzz_worker_reply: what a delivery worker answers its spawn (queue/worker.h).
// The first input byte picks the reader's max (0..63, small so that lengths
// over it are common), the second seeds where the rest is cut into pieces;
// the pieces are fed to WorkerReplyReader, which is reset after some complete
// or broken replies.  Against all bytes fed since the last reset: a complete
// reply is exactly the header's length (never over max) of the bytes after
// the header, with nothing after it; an incomplete one is a prefix of that;
// a broken one had a length over max or bytes after its end, and stays broken.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "queue/worker.h"

using qmail::queue::WorkerReplyReader;
using State = WorkerReplyReader::State;

namespace {

std::size_t length_of(std::string_view fed) {
  auto b = [&](std::size_t i) { return std::size_t{static_cast<unsigned char>(fed[i])}; };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

void check(const WorkerReplyReader& r, std::string_view fed, std::size_t max) {
  const std::string& reply = r.reply();
  if (reply.size() > max) std::abort();
  bool have_length = fed.size() >= 4;
  std::size_t len = have_length ? length_of(fed) : 0;
  switch (r.state()) {
    case State::kMore:
      if (have_length && (len > max || fed.size() >= 4 + len)) std::abort();
      if (reply != fed.substr(have_length ? 4 : fed.size())) std::abort();
      break;
    case State::kDone:
      if (!have_length || len > max || fed.size() != 4 + len) std::abort();
      if (reply.size() != len || reply != fed.substr(4)) std::abort();
      break;
    case State::kBroken:
      if (!have_length || (len <= max && fed.size() <= 4 + len)) std::abort();
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t max = data[0] % 64;
  std::size_t cut = data[1];
  std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
  WorkerReplyReader reader(max);
  std::string fed;  // every byte given to the reader since its last reset
  bool was_empty = false;
  while (!in.empty()) {
    cut = (cut * 33 + static_cast<unsigned char>(in[0])) % 65521;
    // empty pieces too, but never two in a row: each round then takes a byte
    std::size_t n = cut % 11 == 0 && !was_empty ? 0 : 1 + cut % 13;
    was_empty = n == 0;
    if (n > in.size()) n = in.size();
    State before = reader.state();
    State after = reader.feed(in.substr(0, n));
    fed.append(in.substr(0, n));
    in.remove_prefix(n);
    if (after != reader.state()) std::abort();
    if (before == State::kBroken && after != State::kBroken) std::abort();
    if (before == State::kDone && after == State::kMore) std::abort();
    check(reader, fed, max);
    if (after != State::kMore && (cut & 4)) {
      reader.reset();
      fed.clear();
      if (reader.state() != State::kMore || !reader.reply().empty()) std::abort();
    }
  }
  return 0;
}
