// fuzz_remote_report: qmail-rspawn's reading of a qmail-remote report stream
// (rspawn::RemoteReport), which quotes remote servers and, from a worker,
// comes over a socket.  The first input byte picks the form (bit 0: paired,
// a worker's reply to a job without a host) and the number of recipients
// (1..64), the second the text limit (0..63) and where the rest is cut into
// pieces.  Whatever the bytes: exactly one report per recipient, each a
// K, Z or D then text without NUL, no longer than two kept texts and a
// fixed note; and cutting the stream elsewhere changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "qmail-rspawn/rspawn.h"

using qmail::rspawn::RemoteReport;

namespace {

std::vector<std::string> read(std::string_view in, std::size_t n, std::size_t max, bool paired,
                              unsigned cut) {
  RemoteReport report(max, 2 * n + 1, paired);
  while (!in.empty()) {
    cut = (cut * 33 + static_cast<unsigned char>(in[0])) % 65521;
    std::size_t k = 1 + cut % 17;
    if (k > in.size()) k = in.size();
    report.feed(in.substr(0, k));
    in.remove_prefix(k);
  }
  return report.finish_batch(n, qmail::sys::ExitStatus{true, 0, 0});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  bool paired = data[0] & 1;
  std::size_t n = 1 + (data[0] >> 1) % 64;
  std::size_t max = data[1] % 64;
  std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::vector<std::string> a = read(in, n, max, paired, data[1]);
  if (a.size() != n) std::abort();
  for (const std::string& r : a) {
    if (r.empty() || (r[0] != 'K' && r[0] != 'Z' && r[0] != 'D')) std::abort();
    if (r.find('\0') != std::string::npos) std::abort();
    if (r.size() > 1 + 2 * max + 100) std::abort();
  }
  if (read(in, n, max, paired, data[1] ^ 0x5a) != a) std::abort();
  return 0;
}
