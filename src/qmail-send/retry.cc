#include "qmail-send/retry.h"

#include <cstdint>

namespace qmail::send {

int retry_step(Channel c) { return c == Channel::kLocal ? 10 : 20; }

namespace {
std::uint64_t isqrt(std::uint64_t n) {
  std::uint64_t lo = 0, hi = 1ull << 32;  // (2^32)^2 > any age in seconds we see
  while (lo + 1 < hi) {
    std::uint64_t mid = lo + (hi - lo) / 2;
    if (mid * mid <= n) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}
}  // namespace

std::time_t next_retry(std::time_t birth, std::time_t now, Channel c) {
  // A clock set back (birth in the future) counts as age 0.
  std::uint64_t age = now > birth ? static_cast<std::uint64_t>(now - birth) : 0;
  std::uint64_t step = static_cast<std::uint64_t>(retry_step(c));
  std::uint64_t n = isqrt(age) / step + 1;  // the next multiple of step past sqrt(age)
  std::time_t base = now > birth ? birth : now;
  return base + static_cast<std::time_t>(n * step * n * step);
}

bool past_lifetime(std::time_t birth, std::time_t now, std::time_t lifetime) {
  return now > birth && now - birth > lifetime;
}

}  // namespace qmail::send
