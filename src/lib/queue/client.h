// client.h: handing a message to qmail-queue (qmail-queue(8)'s protocol), as
// qmail-inject, qmail-local (forwarding), qmail-send (bounces) and later
// qmail-smtpd do.  The message goes to qmail-queue's fd 0, then the envelope
// `F<sender>\0T<rcpt>\0...\0` to its fd 1.  $QMAILQUEUE names another program
// when the caller allows it.  Callers must ignore SIGPIPE (a queue program that
// exits early then shows up as a write error and then as its exit code).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/fd.h"
#include "base/result.h"
#include "io/writer.h"

namespace qmail::queue {

class Client {
 public:
  /// Starts <home>/bin/qmail-queue, or $QMAILQUEUE when `honour_env` and it is set.
  /// With `custom_errors`, the program's descriptor 4 is a pipe: a queue filter
  /// that exits 82 after writing "D<text>" (permanent) or "Z<text>"
  /// (temporary) there has that text reported by finish() (the convention of
  /// qmail's custom-error patch, used by qmail-smtpd so that a filter's reason
  /// reaches the SMTP client).
  static Result<std::unique_ptr<Client>> start(bool honour_env, bool custom_errors = false);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Message bytes, buffered.  Errors are remembered and reported by finish().
  void put(std::string_view s);
  /// Ends the message and sends the envelope: the sender, then each recipient.
  void from(std::string_view sender);
  void to(std::string_view recipient);
  /// Ends the envelope and waits.  Destroying a Client before finish() aborts
  /// the message: qmail-queue sees the envelope end early and queues nothing.
  ///  Success, or an Error whose text is qmail's
  /// ("qq write error or disk full (#4.3.0)") and whose kind is permanent for
  /// exit codes 11-40, temporary otherwise.
  Status finish();

  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  Client(pid_t pid, Fd message, Fd envelope, Fd errors);
  void end_message();

  pid_t pid_;
  Fd message_;
  Fd envelope_;
  Fd errors_;  // read end of the custom-error pipe, when asked for
  std::unique_ptr<io::Writer> msg_out_;
  std::string env_;
  bool failed_ = false;
  bool message_done_ = false;
};

/// qmail's text for a qmail-queue exit code (without the leading status letter).
std::string describe_queue_exit(int code, bool& permanent);

}  // namespace qmail::queue
