#include "qmail-send/settings.h"

#include <algorithm>

#include "base/auto.h"
#include "control/control.h"

namespace qmail::send {

namespace {
// Reads a number control file, capping it (concurrency is at most the spawn limit).
Status read_bounded(const char* path, std::uint64_t fallback, std::uint64_t cap,
                    std::uint64_t& out) {
  auto n = control::read_number(path, fallback);
  if (!n) return n.error();
  out = std::min<std::uint64_t>(*n, cap);
  return {};
}

Status read_or_me(const char* path, const std::string& me, const char* literal, std::string& out) {
  auto v = control::read_line_or(path, me.empty() ? std::string_view(literal) : me);
  if (!v) return v.error();
  out = *v;
  return {};
}
}  // namespace

Result<Config> load_config() {
  Config c;
  auto me = control::read_line_or("control/me", "");
  if (!me) return me.error();
  c.me = *me;

  auto locals = control::read_lines("control/locals");
  if (!locals) return locals.error();
  if (locals->empty()) {
    if (c.me.empty()) return perm_error("control/locals and control/me are both missing");
    locals->push_back(c.me);
  }
  c.rules.locals = control::StringSet(*locals);

  auto percent = control::read_lines("control/percenthack");
  if (!percent) return percent.error();
  c.rules.percenthack = control::StringSet(*percent);

  auto virt = control::read_lines("control/virtualdomains");
  if (!virt) return virt.error();
  c.rules.add_virtualdomains(*virt);

  if (auto st = read_or_me("control/envnoathost", c.me, "envnoathost", c.rules.envnoathost); !st)
    return st.error();

  std::uint64_t n = 0;
  const std::uint64_t cap = std::min<std::uint64_t>(autoconf::kSpawn, 255);
  if (auto st = read_bounded("control/concurrencylocal", 10, cap, n); !st) return st.error();
  c.concurrency[0] = static_cast<unsigned>(n);
  if (auto st = read_bounded("control/concurrencyremote", 20, cap, n); !st) return st.error();
  c.concurrency[1] = static_cast<unsigned>(n);
  if (auto st = read_bounded("control/queuelifetime", 604800, 100ull * 365 * 86400, n); !st)
    return st.error();
  c.queuelifetime = static_cast<std::time_t>(n);

  auto from = control::read_line_or("control/bouncefrom", "MAILER-DAEMON");
  if (!from) return from.error();
  c.bounce.bouncefrom = *from;
  if (auto st = read_or_me("control/bouncehost", c.me, "bouncehost", c.bounce.bouncehost); !st)
    return st.error();
  // doublebounceto may hold an empty line on purpose: no double bounces.
  auto dbto = control::read_line("control/doublebounceto");
  if (!dbto) return dbto.error();
  c.bounce.doublebounceto = dbto->has_value() ? **dbto : "postmaster";
  if (auto st = read_or_me("control/doublebouncehost", c.me, "doublebouncehost",
                           c.bounce.doublebouncehost);
      !st)
    return st.error();
  return c;
}

}  // namespace qmail::send
