// data.cc: the DATA command of qmail-smtpd: the message goes through the
// decoder (parse/smtp_data.h) straight to qmail-queue, never held whole, and
// the final reply says what qmail-queue (or a limit) decided.

#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "base/date822.h"
#include "base/str.h"
#include "parse/smtp_data.h"
#include "queue/client.h"
#include "session.h"

namespace qmail::smtpd {

namespace {

// What qmail lets into a Received line from the client: anything else becomes
// '?', so a hostile HELO cannot forge header structure.
std::string safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s.substr(0, 255)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("-._[]:@+=/").find(c) != std::string_view::npos;
    out += ok ? c : '?';
  }
  return out;
}

}  // namespace

std::string Session::protocol() const {
  // RFC 3848 and RFC 6531 with-protocol names
  std::string p = tx_.utf8 ? "UTF8SMTP" : (esmtp_ ? "ESMTP" : "SMTP");
  if (p == "SMTP" && (!tls_.empty() || !auth_user_.empty())) p = "ESMTP";
  if (!tls_.empty()) p += 'S';
  if (!auth_user_.empty()) p += 'A';
  return p;
}

std::string Session::received_line() const {
  std::string remote_host = cfg_.remote_host.empty() ? "unknown" : safe(cfg_.remote_host);
  std::string r = "Received: from " + remote_host;
  if (seen_helo_ && helo_ != cfg_.remote_host) r += " (HELO " + safe(helo_) + ")";
  r += " (";
  if (!cfg_.remote_info.empty()) r += safe(cfg_.remote_info) + "@";
  r += safe(cfg_.remote_ip) + ")\n  by " + safe(cfg_.local_host) + " with " + protocol();
  if (!tls_.empty()) {
    auto sp = tls_.find(' ');
    r += " (" + safe(tls_.substr(0, sp));
    if (sp != std::string::npos) r += " " + safe(tls_.substr(sp + 1));
    r += ")";
  }
  r += "; " + date822(std::time(nullptr)) + "\n";
  return r;
}

Session::Flow Session::data() {
  if (!tx_.active) {
    reply("503 5.5.1 MAIL first");
    return Flow::kContinue;
  }
  if (tx_.recipients.empty()) {
    reply("503 5.5.1 RCPT first");
    return Flow::kContinue;
  }
  auto qq = queue::Client::start(true, true);
  if (!qq) {
    reply("451 4.3.0 unable to start the queue, try again later");
    return Flow::kContinue;
  }
  reply("354 go ahead, end with <CRLF>.<CRLF>");
  if (!out_.flush()) _exit(1);

  (*qq)->put(received_line());
  parse::SmtpDataDecoder decoder;
  std::string chunk;
  bool too_big = false;
  while (!decoder.done()) {
    auto view = in_.peek();
    if (!view) {
      if (view.error().errnum == ETIMEDOUT) die_timeout();
      _exit(1);  // the queue client is destroyed: nothing is queued
    }
    if (view->empty()) _exit(1);  // end of input inside DATA: nothing queued
    chunk.clear();
    std::size_t used = decoder.feed(*view, chunk);
    in_.consume(used);
    if (cfg_.databytes && decoder.stats().bytes > cfg_.databytes) too_big = true;
    if (!too_big && !chunk.empty()) (*qq)->put(chunk);
  }

  const auto& stats = decoder.stats();
  std::string refusal;
  if (too_big)
    refusal = "552 5.3.4 sorry, that message size exceeds my databytes limit";
  else if (stats.hops >= parse::kMaxHops)
    refusal = "554 5.4.6 too many hops, this message is looping";
  else if (stats.header_too_long)
    refusal = "552 5.6.0 sorry, a header field of that message is too long";
  if (!refusal.empty()) {
    qq->reset();  // aborts: qmail-queue sees no envelope and queues nothing
    reset_transaction();
    reply(refusal);
    return Flow::kContinue;
  }

  (*qq)->from(tx_.sender);
  for (const auto& r : tx_.recipients) (*qq)->to(r);
  pid_t qp = (*qq)->pid();
  auto st = (*qq)->finish();
  reset_transaction();
  if (st) {
    reply("250 2.0.0 ok " + fmt_u64(static_cast<std::uint64_t>(std::time(nullptr))) + " qp " +
          fmt_u64(static_cast<std::uint64_t>(qp)));
    return Flow::kContinue;
  }
  const std::string& text = st.error().what;
  bool permanent = st.error().kind == ErrorKind::kPermanent;
  reply(std::string(permanent ? "554 " : "451 ") + enhanced_code(text, permanent) + " " + text);
  return Flow::kContinue;
}

std::string enhanced_code(std::string_view text, bool permanent) {
  // qmail's texts end in "(#x.y.z)": lead with the same code when it is one
  // of the right class, else the generic 4.3.0 / 5.3.0
  std::string fallback = permanent ? "5.3.0" : "4.3.0";
  auto hash = text.rfind("(#");
  if (hash == std::string_view::npos || text.back() != ')') return fallback;
  std::string_view code = text.substr(hash + 2, text.size() - hash - 3);
  if (code.size() < 5 || code.size() > 11 || code[0] != fallback[0] || code[1] != '.')
    return fallback;
  unsigned dots = 0;
  for (char c : code.substr(2)) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return fallback;
  }
  if (dots != 1 || code.back() == '.' || code[2] == '.') return fallback;
  return std::string(code);
}

}  // namespace qmail::smtpd
