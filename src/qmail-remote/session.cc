#include "qmail-remote/session.h"

#include <unistd.h>

#include <cerrno>

#include "base/str.h"
#include "net/idn.h"
#include "parse/sasl.h"
#include "qmail-remote/tls_client.h"

namespace qmail::remote {

namespace {

// QUIT is a courtesy: its reply is awaited at most this long.
constexpr unsigned kQuitTimeout = 10;
// Message bytes read from the queue file per chunk.
constexpr std::size_t kChunk = 64 * 1024;

bool is_atext(unsigned char c) {
  if (c >= 0x80) return true;  // UTF-8 (RFC 6531 atext)
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

bool is_dot_atom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!is_atext(static_cast<unsigned char>(c))) {
      return false;
    }
    prev = c;
  }
  return true;
}

bool has_8bit(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

}  // namespace

Address prepare_address(std::string_view addr) {
  Address a;
  a.original = std::string(addr);
  a.ascii = a.original;
  for (char c : addr)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      a.invalid = "Sorry, the address holds a control character and cannot be sent. (#5.1.3)";
      return a;
    }
  if (addr.size() > 1000) {
    a.invalid = "Sorry, the address is too long to be sent. (#5.1.3)";
    return a;
  }
  std::size_t at = addr.rfind('@');
  std::string_view local = at == std::string_view::npos ? addr : addr.substr(0, at);
  if (at != std::string_view::npos && has_8bit(addr.substr(at + 1))) {
    auto ascii = net::domain_to_ascii(addr.substr(at + 1));
    if (!ascii) {
      a.invalid =
          "Sorry, the domain of the address is not a valid internationalized domain "
          "name: " +
          ascii.error().text() + " (#5.1.3)";
      return a;
    }
    a.ascii = std::string(local) + "@" + *ascii;
  }
  a.needs_utf8 = has_8bit(local);
  return a;
}

std::string smtp_path(std::string_view addr) {
  if (addr.empty()) return "<>";
  std::size_t at = addr.rfind('@');
  std::string_view local = at == std::string_view::npos ? addr : addr.substr(0, at);
  std::string out = "<";
  if (is_dot_atom(local)) {
    out += local;
  } else {
    out += '"';
    for (char c : local) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  if (at != std::string_view::npos) out += addr.substr(at);
  out += '>';
  return out;
}

std::string Session::host_text() const { return net::format_ip(target_->ip); }

std::string Session::said(const parse::SmtpReply& reply) const {
  return "Remote host said: " + reply.text("\n");
}

Session::Step Session::next_host(std::string why, bool permanent) {
  error_ = std::move(why);
  permanent_ = permanent;
  return Step::kNextHost;
}

Session::Step Session::decide(char letter, std::string text) {
  reports_.message(letter, text);
  return Step::kDecided;
}

Status Session::send(std::string_view s) { return out_->put(s); }

Status Session::flush() { return out_->flush(); }

Result<parse::SmtpReply> Session::read_reply() {
  parse::SmtpReplyParser parser;
  std::string line;
  for (;;) {
    bool complete = true;
    auto got = in_->getline(line, '\n', parse::kMaxSmtpReplyLine + 1, &complete);  // + CR
    if (!got) {
      if (got.error().kind == ErrorKind::kPermanent)
        return temp_error("the remote host sent a reply line longer than " +
                          fmt_u64(parse::kMaxSmtpReplyLine) + " bytes");
      if (got.error().errnum == ETIMEDOUT) return temp_error("the remote host timed out");
      return temp_error("the connection broke: " + got.error().text());
    }
    if (!*got || !complete) return temp_error("the remote host closed the connection");
    switch (parser.feed_line(line)) {
      case parse::SmtpReplyParser::Step::kMore:
        continue;
      case parse::SmtpReplyParser::Step::kDone:
        return parser.reply();
      case parse::SmtpReplyParser::Step::kMalformed:
        return temp_error("the remote host sent a malformed reply (" + parser.error() + ")");
    }
  }
}

Session::Step Session::ehlo() {
  const std::string& helo = job_.config->helohost;
  if (auto st = send("EHLO " + helo + "\r\n"); !st || !flush())
    return next_host("Connected to " + host_text() + " but the connection broke at EHLO.");
  auto r = read_reply();
  if (!r) return next_host("Connected to " + host_text() + " but EHLO failed: " + r.error().text());
  if (r->kind() == 2) {
    esmtp_ = true;
    ext_ = parse::parse_ehlo(*r);
    return Step::kGoOn;
  }
  esmtp_ = false;
  ext_ = {};
  if (auto st = send("HELO " + helo + "\r\n"); !st || !flush())
    return next_host("Connected to " + host_text() + " but the connection broke at HELO.");
  r = read_reply();
  if (!r) return next_host("Connected to " + host_text() + " but HELO failed: " + r.error().text());
  if (r->kind() != 2)
    return next_host("Connected to " + host_text() + " but my name was rejected.\n" + said(*r),
                     r->kind() == 5);
  return Step::kGoOn;
}

Session::Step Session::starttls(const std::vector<std::string>& names) {
  if (auto st = send("STARTTLS\r\n"); !st || !flush())
    return next_host("Connected to " + host_text() + " but the connection broke at STARTTLS.");
  auto r = read_reply();
  if (!r)
    return next_host("Connected to " + host_text() + " but STARTTLS failed: " + r.error().text());
  if (r->code != 220) {
    if (job_.tls.required())
      return next_host("TLS is required for " + job_.domain + ", but " + host_text() +
                       " refused STARTTLS.\n" + said(*r));
    return Step::kGoOn;  // go on in plain text
  }
  // Anything the server sent after its 220 was sent before TLS: drop it.
  in_->discard_buffered();
  tls_started_ = true;
  TlsOutcome outcome;
  auto tls = start_tls(*job_.config, job_.tls, names, target_->host, fd_.get(),
                       job_.config->timeout_remote, outcome);
  tls_summary_ = outcome.summary;
  if (!tls) {
    if (!job_.tls.required()) tls_soft_fail_ = true;
    return next_host("TLS with " + host_text() + " failed: " + tls.error().text());
  }
  stream_ = std::move(*tls);
  in_ = std::make_unique<io::Reader>(*stream_, job_.config->timeout_remote);
  out_ = std::make_unique<io::Writer>(*stream_, job_.config->timeout_remote, 64 * 1024);
  tls_active_ = true;
  if (Step s = ehlo(); s != Step::kGoOn) return s;
  if (!esmtp_) return next_host("Connected to " + host_text() + " but EHLO failed after TLS.");
  return Step::kGoOn;
}

Session::Step Session::authenticate() {
  const AuthRule& auth = *job_.auth;
  if (!tls_active_)  // the policy makes this unreachable; never send a password in clear
    return next_host("Not sending the password to " + host_text() + " without TLS.");
  auto fail = [&](const parse::SmtpReply& r) -> Step {
    return decide(r.kind() == 5 ? 'D' : 'Z', "Connected to " + host_text() +
                                                 " but authentication as " + auth.user +
                                                 " failed.\n" + said(r));
  };
  auto broken = [&](const Error& e) -> Step {
    return decide('Z', "Connected to " + host_text() +
                           " but the connection broke during AUTH: " + e.text() + " (#4.4.2)");
  };
  if (ext_.auth_cram_md5 && tls_available()) {
    if (!send("AUTH CRAM-MD5\r\n") || !flush()) return broken(temp_error("write failed"));
    auto r = read_reply();
    if (!r) return broken(r.error());
    if (r->code != 334 || r->lines.empty()) return fail(*r);
    std::string_view b64 = r->lines.front();
    auto challenge = parse::base64_decode(b64);
    if (!challenge)
      return decide('Z',
                    "Connected to " + host_text() + " but its CRAM-MD5 challenge is not base64.");
    std::string answer = cram_md5_response(auth.user, auth.password, *challenge);
    if (!send(parse::base64_encode(answer) + "\r\n") || !flush())
      return broken(temp_error("write failed"));
    r = read_reply();
    if (!r) return broken(r.error());
    if (r->kind() != 2) return fail(*r);
    return Step::kGoOn;
  }
  if (ext_.auth_plain) {
    std::string token = std::string(1, '\0') + auth.user + '\0' + auth.password;
    if (!send("AUTH PLAIN " + parse::base64_encode(token) + "\r\n") || !flush())
      return broken(temp_error("write failed"));
    auto r = read_reply();
    if (!r) return broken(r.error());
    if (r->kind() != 2) return fail(*r);
    return Step::kGoOn;
  }
  if (ext_.auth_login) {
    if (!send("AUTH LOGIN\r\n") || !flush()) return broken(temp_error("write failed"));
    for (const std::string* field : {&auth.user, &auth.password}) {
      auto r = read_reply();
      if (!r) return broken(r.error());
      if (r->code != 334) return fail(*r);
      if (!send(parse::base64_encode(*field) + "\r\n") || !flush())
        return broken(temp_error("write failed"));
    }
    auto r = read_reply();
    if (!r) return broken(r.error());
    if (r->kind() != 2) return fail(*r);
    return Step::kGoOn;
  }
  return decide('Z', "Credentials are configured for " + job_.domain + ", but " + host_text() +
                         " offers no AUTH mechanism this qmail-remote supports "
                         "(CRAM-MD5, PLAIN, LOGIN). (#4.7.0)");
}

Status Session::send_message() {
  if (job_.seekable && ::lseek(job_.message_fd, 0, SEEK_SET) == -1)
    return sys_error("unable to rewind the message");
  parse::DotStuffer stuffer;
  std::string chunk(kChunk, '\0');
  std::string wire;
  wire.reserve(kChunk + kChunk / 8);
  for (;;) {
    ssize_t n = ::read(job_.message_fd, chunk.data(), chunk.size());
    if (n == -1) {
      if (errno == EINTR) continue;
      return sys_error("unable to read the message");
    }
    if (n == 0) break;
    wire.clear();
    stuffer.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)), wire);
    if (auto st = out_->put(wire); !st) return st;
  }
  wire.clear();
  stuffer.finish(wire);
  if (auto st = out_->put(wire); !st) return st;
  return out_->flush();
}

Session::Step Session::transaction() {
  const Address& sender = job_.sender;
  bool want_utf8 = sender.needs_utf8;
  for (const Address& a : job_.recipients) want_utf8 = want_utf8 || a.needs_utf8;
  bool utf8 = want_utf8 && ext_.smtputf8;
  if (!sender.invalid.empty()) return decide('D', sender.invalid);
  if (sender.needs_utf8 && !utf8)
    return decide('D', "Sorry, the sender address needs SMTPUTF8 and " + host_text() +
                           " does not support it. (#5.6.7)");
  if (job_.seekable && ext_.size && ext_.size_limit > 0 && job_.scan.wire_size > ext_.size_limit)
    return decide('D', "Sorry, the message is " + fmt_u64(job_.scan.wire_size) + " bytes and " +
                           host_text() + " takes at most " + fmt_u64(ext_.size_limit) +
                           " (SIZE). (#5.3.4)");

  std::string mail = "MAIL FROM:" + smtp_path(utf8 ? sender.original : sender.ascii);
  if (ext_.size && job_.seekable) mail += " SIZE=" + fmt_u64(job_.scan.wire_size);
  if (ext_.eightbitmime && job_.seekable && job_.scan.eight_bit) mail += " BODY=8BITMIME";
  if (utf8) mail += " SMTPUTF8";
  mail += "\r\n";

  std::vector<std::size_t> sent;  // recipients given a RCPT
  for (std::size_t i = 0; i < job_.recipients.size(); ++i) {
    const Address& a = job_.recipients[i];
    if (!a.invalid.empty()) {
      reports_.recipient(i, 'h', a.invalid);
    } else if (a.needs_utf8 && !utf8) {
      reports_.recipient(i, 'h',
                         "Sorry, the recipient address needs SMTPUTF8 and " + host_text() +
                             " does not support it. (#5.6.7)");
    } else {
      sent.push_back(i);
    }
  }
  if (sent.empty()) {
    quit();
    return decide('D', "No recipient could be sent to " + host_text() + ".");
  }
  auto broken = [&](const std::string& where, const Error& e) -> Step {
    return decide('Z', "Connected to " + host_text() + " but the connection broke " + where + ": " +
                           e.text() + " (#4.4.2)");
  };
  bool pipe = ext_.pipelining;
  if (auto st = send(mail); !st) return broken("at MAIL", st.error());
  if (!pipe)
    if (auto st = flush(); !st) return broken("at MAIL", st.error());
  auto rcpt_command = [&](std::size_t i) {
    const Address& a = job_.recipients[i];
    return "RCPT TO:" + smtp_path(utf8 ? a.original : a.ascii) + "\r\n";
  };
  if (pipe) {
    for (std::size_t i : sent)
      if (auto st = send(rcpt_command(i)); !st) return broken("at RCPT", st.error());
    if (auto st = send("DATA\r\n"); !st || !flush())
      return broken("at RCPT", temp_error("write failed"));
  }

  auto mail_reply = read_reply();
  if (!mail_reply) return broken("after MAIL", mail_reply.error());
  if (mail_reply->kind() != 2) {
    // with PIPELINING the RCPTs and DATA were sent too; their replies are not needed
    quit();
    return decide(
        mail_reply->kind() == 5 ? 'D' : 'Z',
        "Connected to " + host_text() + " but the sender was rejected.\n" + said(*mail_reply));
  }
  std::size_t accepted = 0;
  for (std::size_t i : sent) {
    if (!pipe)
      if (auto st = send(rcpt_command(i)); !st || !flush())
        return broken("at RCPT", temp_error("write failed"));
    auto r = read_reply();
    if (!r) return broken("after RCPT", r.error());
    if (r->kind() == 2) {
      reports_.recipient(i, 'r');
      ++accepted;
    } else {
      reports_.recipient(i, r->kind() == 5 ? 'h' : 's',
                         host_text() + " does not like the recipient.\n" + said(*r));
    }
  }
  if (!pipe && accepted > 0)
    if (auto st = send("DATA\r\n"); !st || !flush())
      return broken("at DATA", temp_error("write failed"));
  if (pipe || accepted > 0) {
    auto r = read_reply();
    if (!r) return broken("after DATA", r.error());
    if (r->code != 354) {
      quit();
      if (accepted == 0) return decide('D', "Giving up on " + host_text() + ".");
      return decide(r->kind() == 5 ? 'D' : 'Z',
                    host_text() + " refused the DATA command.\n" + said(*r));
    }
    if (accepted == 0) {
      // a server that says 354 with no recipient: end the data at once
      (void)send(".\r\n");
      (void)flush();
      (void)read_reply();
      quit();
      return decide('D', "Giving up on " + host_text() + ".");
    }
  } else {
    quit();
    return decide('D', "Giving up on " + host_text() + ".");
  }

  if (auto st = send_message(); !st) {
    // the data is incomplete: drop the connection without "." so nothing is accepted
    return decide('Z', "Connected to " + host_text() +
                           " but sending the message failed: " + st.error().text() + " (#4.4.2)");
  }
  auto r = read_reply();
  if (!r)
    return decide('Z', host_text() + " did not answer after the message: " + r.error().text() +
                           "\nIt may have accepted it: a duplicate is possible. (#4.4.2)");
  end_transaction();
  std::string tls = tls_summary_.empty() ? "" : "\nTLS: " + tls_summary_;
  if (r->kind() == 2) return decide('K', host_text() + " accepted the message.\n" + said(*r) + tls);
  return decide(r->kind() == 5 ? 'D' : 'Z',
                host_text() + " did not accept the message.\n" + said(*r) + tls);
}

void Session::end_transaction() {
  // Whatever the server said after its reply would confuse the next transaction.
  if (keep_open_ && in_ && in_->buffered() == 0) {
    reusable_ = true;
    return;
  }
  quit();
}

std::unique_ptr<Connection> Session::take_connection() {
  if (!reusable_ || !stream_) return nullptr;
  reusable_ = false;
  auto c = conn_ ? std::move(conn_) : std::make_unique<Connection>();
  if (c->messages == 0) c->opened = std::chrono::steady_clock::now();
  c->target = *target_;
  c->fd = std::move(fd_);
  c->stream = std::move(stream_);
  c->in = std::move(in_);
  c->out = std::move(out_);
  c->ext = ext_;
  c->esmtp = esmtp_;
  c->tls_active = tls_active_;
  c->tls_summary = tls_summary_;
  c->last_used = std::chrono::steady_clock::now();
  ++c->messages;
  return c;
}

Session::Outcome Session::reuse(std::unique_ptr<Connection> conn) {
  // RSET is answered at once by a live server; a dead one gets this long at most
  constexpr unsigned kRsetTimeout = 30;
  conn_ = std::move(conn);
  target_ = &conn_->target;
  fd_ = std::move(conn_->fd);
  stream_ = std::move(conn_->stream);
  out_ = std::move(conn_->out);
  conn_->in.reset();
  ext_ = conn_->ext;
  esmtp_ = conn_->esmtp;
  tls_active_ = conn_->tls_active;
  tls_summary_ = conn_->tls_summary;
  error_.clear();
  permanent_ = false;
  unsigned timeout = job_.config->timeout_remote;
  in_ = std::make_unique<io::Reader>(*stream_, timeout < kRsetTimeout ? timeout : kRsetTimeout);
  auto r = [&]() -> Result<parse::SmtpReply> {
    if (auto st = send("RSET\r\n"); !st) return st.error();
    if (auto st = flush(); !st) return st.error();
    return read_reply();
  }();
  if (!r || r->kind() != 2) {
    if (r) quit();
    return outcome(next_host("The connection kept open to " + host_text() + " went stale."));
  }
  in_ = std::make_unique<io::Reader>(*stream_, timeout);
  return outcome(transaction());
}

void Session::quit() {
  if (!out_) return;
  if (!send("QUIT\r\n") || !flush()) return;
  in_ = stream_ ? std::make_unique<io::Reader>(*stream_, kQuitTimeout) : nullptr;
  if (in_) (void)read_reply();
}

Session::Outcome Session::run(const Target& target, Fd fd, bool plain_only) {
  target_ = &target;
  fd_ = std::move(fd);
  error_.clear();
  permanent_ = false;
  tls_soft_fail_ = false;
  tls_started_ = false;
  tls_active_ = false;
  tls_summary_.clear();
  stream_ = std::make_unique<io::FdStream>(fd_.get(), fd_.get());
  unsigned timeout = job_.config->timeout_remote;
  in_ = std::make_unique<io::Reader>(*stream_, timeout);
  out_ = std::make_unique<io::Writer>(*stream_, timeout, 64 * 1024);

  auto greeting = read_reply();
  if (!greeting)
    return outcome(next_host("Connected to " + host_text() +
                             " but the greeting failed: " + greeting.error().text()));
  if (greeting->kind() != 2) {
    quit();
    return outcome(
        next_host("Connected to " + host_text() + " but the greeting failed.\n" + said(*greeting),
                  greeting->kind() == 5));
  }
  if (Step s = ehlo(); s != Step::kGoOn) return outcome(s);

  bool required = job_.tls.required();
  if (job_.tls.level != TlsPolicy::Level::kNone && !plain_only && ext_.starttls) {
    if (!tls_available()) {
      if (required) {
        quit();
        return outcome(next_host("TLS is required for " + job_.domain +
                                 ", but this qmail-remote was built without TLS."));
      }
    } else {
      std::vector<std::string> names;
      if (!target.host.empty()) names.push_back(target.host);
      if (target.host != job_.ascii_domain) names.push_back(job_.ascii_domain);
      if (Step s = starttls(names); s != Step::kGoOn) {
        if (!tls_started_) quit();  // after a failed handshake the connection is just closed
        return outcome(s);
      }
    }
  }
  if (required && !tls_active_) {
    quit();
    return outcome(
        next_host("TLS is required for " + job_.domain + ", but " + host_text() +
                  (ext_.starttls ? " did not set it up." : " does not offer STARTTLS.")));
  }
  if (job_.auth)
    if (Step s = authenticate(); s != Step::kGoOn) {
      if (s == Step::kDecided) quit();
      return outcome(s);
    }
  return outcome(transaction());
}

}  // namespace qmail::remote
