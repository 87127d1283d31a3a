#include "qmail-send/bounce_text.h"

#include "base/date822.h"
#include "base/str.h"

namespace qmail::send {

BounceEnvelope bounce_envelope(const BounceSettings& s, std::string_view original_sender) {
  BounceEnvelope env;
  if (original_sender == kDoubleBounceSender) {
    env.kind = BounceKind::kDiscard;
    return env;
  }
  if (!original_sender.empty()) {
    env.kind = BounceKind::kSingle;
    env.recipient = original_sender;
    return env;
  }
  if (s.doublebounceto.empty()) {  // the administrator asked for no double bounces
    env.kind = BounceKind::kDiscard;
    return env;
  }
  env.kind = BounceKind::kDouble;
  env.sender = kDoubleBounceSender;
  env.recipient = s.doublebounceto + "@" + s.doublebouncehost;
  return env;
}

namespace {
// A header value must stay on one line whatever the envelope held.
std::string header_safe(std::string_view v) {
  std::string out(v);
  for (char& c : out)
    if (c == '\r' || c == '\n' || c == '\0') c = '?';
  return out;
}
}  // namespace

std::string bounce_head(const BounceSettings& s, const BounceEnvelope& env, std::uint64_t msg,
                        long qp, std::time_t now) {
  std::string date = date822(now);
  std::string pid = fmt_u64(static_cast<std::uint64_t>(qp < 0 ? 0 : qp));
  std::string h;
  h += "Received: (qmail " + pid + " invoked for bounce); " + date + "\n";
  h += "Date: " + date + "\n";
  h += "From: " + header_safe(s.bouncefrom) + "@" + header_safe(s.bouncehost) + "\n";
  h += "To: " + header_safe(env.recipient) + "\n";
  h += "Subject: failure notice\n";
  h += "Message-ID: <" + fmt_u64(static_cast<std::uint64_t>(now)) + "." + pid + ".bounce." +
       fmt_u64(msg) + "@" + header_safe(s.bouncehost) + ">\n";
  h += "\n";
  h += "Hi. This is the qmail-send program at " + header_safe(s.bouncehost) + ".\n";
  if (env.kind == BounceKind::kDouble) {
    h += "A bounce message could not be delivered to the address below, so it comes\n"
         "to you, the postmaster, instead.\n";
  } else {
    h += "Your message could not be delivered to the address or addresses below.\n"
         "These were permanent errors, so I have stopped trying. Sorry.\n";
  }
  h += "\n";
  return h;
}

std::string bounce_paragraph(std::string_view rcpt, std::string_view report) {
  std::string p = "<";
  p += header_safe(rcpt);
  p += ">:\n";
  // Empty lines would end the paragraph early (QSBMF), so they are dropped.
  while (!report.empty()) {
    auto nl = report.find('\n');
    std::string_view line = report.substr(0, nl);
    report = nl == std::string_view::npos ? std::string_view{} : report.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    p.append(line);
    p += '\n';
  }
  p += '\n';
  return p;
}

std::string bounce_separator(BounceKind kind) {
  if (kind == BounceKind::kDouble) return "--- Below this line is the original bounce.\n\n";
  return "--- Below this line is a copy of the message.\n\n";
}

std::string compose_bounce(const BounceSettings& s, const BounceEnvelope& env,
                           const std::vector<Failure>& failures, std::string_view message,
                           std::uint64_t msg, long qp, std::time_t now) {
  std::string out = bounce_head(s, env, msg, qp, now);
  for (const auto& f : failures) out += bounce_paragraph(f.recipient, f.report);
  out += bounce_separator(env.kind);
  out.append(message);
  return out;
}

}  // namespace qmail::send
