// session.h: one SMTP session of qmail-smtpd (RFC 5321, with the ESMTP
// extensions PIPELINING, 8BITMIME, SIZE, ENHANCEDSTATUSCODES, SMTPUTF8,
// STARTTLS and AUTH).  It reads commands from a Stream (plain or TLS),
// answers them and hands each accepted message to qmail-queue.  Every byte it
// reads is untrusted; what it holds is bounded by the limits in the Config
// and the parsers' limits, whatever the client sends.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/reader.h"
#include "io/stream.h"
#include "io/writer.h"
#include "settings.h"

namespace qmail::smtpd {

class Session {
 public:
  /// Called on STARTTLS after the 220 reply is flushed and the input buffer
  /// is discarded; it does not return when it succeeds (qmail-smtpd execs
  /// qmail-smtpd-tls).  Empty when STARTTLS is not available.
  using StartTls = std::function<void()>;

  /// `tls` names the TLS protocol and cipher when the stream is encrypted
  /// ("TLSv1.3 TLS_AES_256_GCM_SHA384"), empty otherwise.
  Session(const Config& cfg, io::Stream& stream, std::string tls, StartTls start_tls);

  /// Sends the 220 greeting.
  void greet();
  /// Runs until QUIT, end of input, a timeout or a fatal error; returns the exit code.
  int run();

  // the pieces of the state machine, public for unit tests
  struct Transaction {
    bool active = false;
    std::string sender;
    bool sender_bad = false;
    bool utf8 = false;
    std::vector<std::string> recipients;
  };
  [[nodiscard]] const Transaction& transaction() const { return tx_; }

 private:
  enum class Flow { kContinue, kQuit };

  Flow dispatch(std::string_view line);
  void reply(std::string_view line);  // one line, CR LF added
  void helo(std::string_view arg, bool extended);
  void mail(std::string_view arg);
  void rcpt(std::string_view arg);
  Flow data();
  Flow auth(std::string_view arg);
  Flow starttls(std::string_view arg);
  void reset_transaction() { tx_ = Transaction{}; }

  // AUTH helpers (auth.cc)
  bool auth_offered() const;
  /// Reads one AUTH continuation line; false when the client gave up or went away.
  bool read_auth_line(std::string& decoded, bool& cancelled);

  // DATA helpers (data.cc)
  std::string received_line() const;
  std::string protocol() const;

  /// Reads one line into `line` (CR LF removed); false at end of input.
  /// A timeout sends 421 and exits; a line too long is answered here.
  bool read_line(std::string& line, bool& too_long);
  [[noreturn]] void die(std::string_view reply_line, int code);
  /// 421 for a client that said nothing for timeoutsmtpd seconds, then exit.
  [[noreturn]] void die_timeout();

  const Config& cfg_;
  io::Reader in_;
  io::Writer out_;
  std::string tls_;
  StartTls start_tls_;
  std::string helo_;
  bool seen_helo_ = false;
  bool esmtp_ = false;
  std::string auth_user_;  // non-empty once authenticated
  unsigned auth_failures_ = 0;
  Transaction tx_;
};

/// The enhanced status code for a queue error text: its trailing "(#x.y.z)"
/// when that is well formed and of the right class (4 or 5), else 4.3.0 or 5.3.0.
std::string enhanced_code(std::string_view text, bool permanent);

}  // namespace qmail::smtpd
