// session.h: one SMTP conversation with one address, for qmail-remote: the
// greeting, EHLO (or HELO), STARTTLS and AUTH as the policy says, then one
// transaction for every recipient (MAIL, RCPT..., DATA, the message, ".").
// Everything the server sends is untrusted: replies go through
// parse::SmtpReplyParser, every wait has the deadline of control/timeoutremote,
// and the message goes out through parse::DotStuffer so that nothing in it can
// end the data early.  The outcome is either "try the next address" (nothing
// was decided for any recipient) or a decision written into Reports.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/fd.h"
#include "io/reader.h"
#include "io/stream.h"
#include "io/writer.h"
#include "parse/smtp_dot.h"
#include "parse/smtp_reply.h"
#include "qmail-remote/remote.h"
#include "qmail-remote/settings.h"
#include "qmail-remote/targets.h"

namespace qmail::remote {

/// An envelope address in the forms the session may send.
struct Address {
  std::string original;     // as given (qmail-send's form; "" for the null sender)
  std::string ascii;        // the domain in A-labels (= original when it is ASCII)
  bool needs_utf8 = false;  // the local part is UTF-8: only SMTPUTF8 can carry it
  std::string invalid;      // why it cannot be sent at all ("" when it can)
};

/// Prepares `addr` (IDN domain to A-labels, checks for bytes no SMTP path may hold).
Address prepare_address(std::string_view addr);

/// The SMTP path for an address: "<>", "<local@domain>", or the local part
/// quoted when it is not a dot-atom (RFC 5321 4.1.2).
std::string smtp_path(std::string_view addr);

/// What a delivery carries to every address it tries.
struct Job {
  const Config* config = nullptr;
  std::string domain;        // the destination as given (argv[1]), lower case
  std::string ascii_domain;  // its A-label form
  Address sender;
  std::vector<Address> recipients;
  int message_fd = 0;
  bool seekable = false;    // the message can be read again from its start
  parse::MessageScan scan;  // valid when seekable
  TlsPolicy tls;
  const AuthRule* auth = nullptr;
};

/// An SMTP connection left open after a finished transaction, for the next
/// message to the same destination (qmail-remote --worker keeps a few).
struct Connection {
  std::string key;  // what the next job must match to use it (ConnectionCache)
  Target target;
  Fd fd;
  std::unique_ptr<io::Stream> stream;
  std::unique_ptr<io::Reader> in;
  std::unique_ptr<io::Writer> out;
  parse::EhloExtensions ext;
  bool esmtp = false;
  bool tls_active = false;
  std::string tls_summary;
  std::chrono::steady_clock::time_point opened;
  std::chrono::steady_clock::time_point last_used;
  unsigned messages = 0;  // transactions finished on it
};

class Session {
 public:
  enum class Outcome {
    kNextHost,  // nothing decided: try the next address (`error()` says why)
    kDecided,   // the reports are written
  };

  Session(const Job& job, Reports& reports) : job_(job), reports_(reports) {}
  /// Talks to `target` over the connected socket `fd`.  `plain_only` skips
  /// STARTTLS (the retry after a failed opportunistic handshake).
  Outcome run(const Target& target, Fd fd, bool plain_only);
  /// Talks over a connection kept from an earlier message: RSET, then the
  /// transaction, which always decides.  kNextHost means the connection went
  /// stale (RSET failed): nothing was sent for this message, so a fresh
  /// connection to the same address may be tried.
  Outcome reuse(std::unique_ptr<Connection> conn);

  /// Leave the connection open after the transaction instead of QUIT.
  void keep_open(bool keep) { keep_open_ = keep; }
  /// The connection, when keep_open was set and the transaction ended
  /// cleanly (a reply to the end of the data, nothing pending); else null.
  std::unique_ptr<Connection> take_connection();

  /// Why the last run() gave kNextHost.
  [[nodiscard]] const std::string& error() const { return error_; }
  /// True when the kNextHost was permanent in kind (a 5xx greeting).
  [[nodiscard]] bool permanent() const { return permanent_; }
  /// True when an opportunistic TLS handshake failed: the caller may try the
  /// same address again in plain text.
  [[nodiscard]] bool tls_failed_softly() const { return tls_soft_fail_; }
  /// The TLS outcome for the report ("" when TLS was not used).
  [[nodiscard]] const std::string& tls_summary() const { return tls_summary_; }

 private:
  // The result of one step of the session.
  enum class Step {
    kGoOn,      // carry on with the next step
    kNextHost,  // give up on this address (error_ says why)
    kDecided,   // the reports are written
  };
  Step next_host(std::string why, bool permanent = false);
  Step decide(char letter, std::string text);
  static Outcome outcome(Step s) {
    return s == Step::kDecided ? Outcome::kDecided : Outcome::kNextHost;
  }
  Status send(std::string_view s);
  Status flush();
  Result<parse::SmtpReply> read_reply();
  Step ehlo();
  Step starttls(const std::vector<std::string>& names);
  Step authenticate();
  Step transaction();
  Status send_message();
  void quit();
  void end_transaction();
  std::string said(const parse::SmtpReply& reply) const;
  std::string host_text() const;

  const Job& job_;
  Reports& reports_;
  const Target* target_ = nullptr;
  Fd fd_;
  std::unique_ptr<io::Stream> stream_;
  std::unique_ptr<io::Reader> in_;
  std::unique_ptr<io::Writer> out_;
  parse::EhloExtensions ext_;
  bool esmtp_ = false;
  bool tls_active_ = false;
  bool tls_soft_fail_ = false;
  bool tls_started_ = false;  // a handshake was attempted: the plain session is over
  bool permanent_ = false;
  bool keep_open_ = false;
  bool reusable_ = false;
  std::unique_ptr<Connection> conn_;  // what was reused: its times and count
  std::string tls_summary_;
  std::string error_;
};

}  // namespace qmail::remote
