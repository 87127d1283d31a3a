#include "session.h"

#include <unistd.h>

#include <cerrno>

#include "base/str.h"
#include "parse/smtp_command.h"
#include "policy.h"
#include "rcpt_check.h"

namespace qmail::smtpd {

Session::Session(const Config& cfg, io::Stream& stream, std::string tls, StartTls start_tls)
    : cfg_(cfg),
      in_(stream, cfg.timeout),
      out_(stream, cfg.timeout, 16384),
      tls_(std::move(tls)),
      start_tls_(std::move(start_tls)) {}

void Session::reply(std::string_view line) {
  std::string l(line);
  l += "\r\n";
  if (!out_.put(l)) _exit(1);  // the client went away: nothing left to tell it
}

void Session::die(std::string_view reply_line, int code) {
  reply(reply_line);
  (void)out_.flush();
  _exit(code);
}

void Session::die_timeout() {
  die("421 4.4.2 " + cfg_.hostname + " timeout, closing connection", 1);
}

void Session::greet() { reply("220 " + cfg_.greeting + " ESMTP"); }

bool Session::read_line(std::string& line, bool& too_long) {
  too_long = false;
  // PIPELINING (RFC 2920): replies wait while more commands are buffered,
  // then go out in one write.
  if (in_.buffered() == 0 && !out_.flush()) _exit(1);
  auto got = in_.getline(line, '\n', parse::kMaxSmtpCommandLine);
  if (!got) {
    const Error& e = got.error();
    if (e.errnum == ETIMEDOUT) die_timeout();
    if (e.kind == ErrorKind::kPermanent) {  // over the limit: skip the rest of it
      too_long = true;
      auto skipped = in_.skip_past('\n');
      if (!skipped) {
        if (skipped.error().errnum == ETIMEDOUT) die_timeout();
        _exit(1);
      }
      return *skipped;
    }
    _exit(1);
  }
  if (!*got) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

int Session::run() {
  std::string line;
  for (;;) {
    bool too_long = false;
    if (!read_line(line, too_long)) break;
    if (too_long) {
      reply("500 5.5.2 line too long");
      continue;
    }
    if (dispatch(line) == Flow::kQuit) break;
  }
  (void)out_.flush();
  return 0;
}

Session::Flow Session::dispatch(std::string_view line) {
  auto cmd = parse::parse_smtp_command(line);
  switch (cmd.verb) {
    case parse::SmtpVerb::kHelo:
      helo(cmd.arg, false);
      return Flow::kContinue;
    case parse::SmtpVerb::kEhlo:
      helo(cmd.arg, true);
      return Flow::kContinue;
    case parse::SmtpVerb::kMail:
      mail(cmd.arg);
      return Flow::kContinue;
    case parse::SmtpVerb::kRcpt:
      rcpt(cmd.arg);
      return Flow::kContinue;
    case parse::SmtpVerb::kData:
      return data();
    case parse::SmtpVerb::kRset:
      reset_transaction();
      reply("250 2.0.0 flushed");
      return Flow::kContinue;
    case parse::SmtpVerb::kNoop:
      reply("250 2.0.0 ok");
      return Flow::kContinue;
    case parse::SmtpVerb::kQuit:
      reply("221 2.0.0 " + cfg_.hostname + " closing connection");
      return Flow::kQuit;
    case parse::SmtpVerb::kVrfy:
      reply("252 2.5.2 send some mail, I'll try my best");
      return Flow::kContinue;
    case parse::SmtpVerb::kHelp:
      reply(std::string("214 2.0.0 commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP") +
            (start_tls_ && tls_.empty() ? " STARTTLS" : "") + (auth_offered() ? " AUTH" : ""));
      return Flow::kContinue;
    case parse::SmtpVerb::kStartTls:
      return starttls(cmd.arg);
    case parse::SmtpVerb::kAuth:
      return auth(cmd.arg);
    case parse::SmtpVerb::kUnknown:
      break;
  }
  reply("502 5.5.1 unimplemented");
  return Flow::kContinue;
}

void Session::helo(std::string_view arg, bool extended) {
  reset_transaction();
  helo_ = std::string(arg.substr(0, 255));
  seen_helo_ = true;
  esmtp_ = extended;
  if (!extended) {
    reply("250 " + cfg_.hostname);
    return;
  }
  std::string r = "250-" + cfg_.hostname + "\r\n250-PIPELINING\r\n250-8BITMIME\r\n";
  r += cfg_.databytes ? "250-SIZE " + fmt_u64(cfg_.databytes) + "\r\n" : "250-SIZE\r\n";
  if (start_tls_ && tls_.empty()) r += "250-STARTTLS\r\n";
  if (auth_offered()) r += "250-AUTH PLAIN LOGIN CRAM-MD5\r\n";
  r += "250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES";
  reply(r);
}

namespace {
std::string path_error_reply(parse::PathError why, bool mail) {
  switch (why) {
    case parse::PathError::kTooLong:
      return "501 5.5.4 address too long";
    case parse::PathError::kBadUtf8:
      return "553 5.6.7 non-ASCII address needs SMTPUTF8";
    case parse::PathError::kBadParameter:
      return "555 5.5.4 unsupported or malformed parameter";
    case parse::PathError::kBadDomain:
      return mail ? "553 5.1.7 sender domain is not valid"
                  : "553 5.1.2 recipient domain is not valid";
    case parse::PathError::kSyntax:
      break;
  }
  return mail ? "501 5.5.4 syntax: MAIL FROM:<address>" : "501 5.5.4 syntax: RCPT TO:<address>";
}
}  // namespace

void Session::mail(std::string_view arg) {
  if (cfg_.auth_required && auth_user_.empty()) {
    reply("530 5.7.0 authentication required");
    return;
  }
  if (tx_.active) {
    reply("503 5.5.1 nested MAIL command");
    return;
  }
  parse::PathError why = parse::PathError::kSyntax;
  auto path = parse::parse_mail_from(arg, true, &why);
  if (!path) {
    reply(path_error_reply(why, true));
    return;
  }
  if (cfg_.databytes && path->params.size && *path->params.size > cfg_.databytes) {
    reply("552 5.3.4 sorry, that message size exceeds my databytes limit");
    return;
  }
  tx_.active = true;
  tx_.sender = path->address;
  tx_.utf8 = path->params.smtputf8;
  tx_.sender_bad = sender_is_bad(cfg_, tx_.sender);
  reply("250 2.1.0 ok");
}

void Session::rcpt(std::string_view arg) {
  if (!tx_.active) {
    reply("503 5.5.1 MAIL first");
    return;
  }
  parse::PathError why = parse::PathError::kSyntax;
  auto path = parse::parse_rcpt_to(arg, tx_.utf8, &why);
  if (!path) {
    reply(path_error_reply(why, false));
    return;
  }
  if (cfg_.max_recipients && tx_.recipients.size() >= cfg_.max_recipients) {
    reply("452 4.5.3 too many recipients");
    return;
  }
  bool may_relay = cfg_.relayclient.has_value() || !auth_user_.empty();
  auto d = decide_recipient(cfg_, path->address, may_relay, tx_.sender_bad);
  if (!d.accepted) {
    reply(d.reply);
    return;
  }
  switch (check_recipient(cfg_, tx_.sender, d.address)) {
    case RcptVerdict::kUnknown:
      reply("550 5.1.1 sorry, no mailbox here by that name");
      return;
    case RcptVerdict::kTemporary:
      reply("451 4.3.0 unable to check the recipient now, try again later");
      return;
    case RcptVerdict::kAccept:
      break;
  }
  if (cfg_.relayclient) d.address += *cfg_.relayclient;
  tx_.recipients.push_back(std::move(d.address));
  reply("250 2.1.5 ok");
}

Session::Flow Session::starttls(std::string_view arg) {
  if (!tls_.empty()) {
    reply("503 5.5.1 TLS already active");
    return Flow::kContinue;
  }
  if (!start_tls_) {
    reply("454 4.7.0 TLS not available");
    return Flow::kContinue;
  }
  if (!arg.empty()) {
    reply("501 5.5.4 syntax: STARTTLS");
    return Flow::kContinue;
  }
  reply("220 2.0.0 ready to start TLS");
  if (!out_.flush()) _exit(1);
  // RFC 3207 section 4.2 (and CVE-2011-0411): nothing the client pipelined
  // behind STARTTLS may be read as if it came through TLS.
  in_.discard_buffered();
  start_tls_();
  // only when the TLS program could not be started: the client now expects
  // a handshake, so nothing sensible can be said in clear
  _exit(1);
}

}  // namespace qmail::smtpd
