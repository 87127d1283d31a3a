// server.h: the server side of STARTTLS (RFC 3207) as an io::Stream.
// qmail-smtpd itself links no OpenSSL; after answering 220 to STARTTLS it execs
// qmail-smtpd-tls, which calls TlsStream::accept() on its descriptors 0 and 1
// and carries on the SMTP session through the returned stream.  At start it may
// call check_settings() to report a broken certificate once and clearly.
// Trust: the settings come from control files (trusted, but may be wrong); every
// byte read from the descriptors comes from the network and is untrusted: OpenSSL
// parses it, and every wait for the peer has a deadline.
// client.h's connect_tls() builds the same stream in client mode.
// The caller should ignore SIGPIPE (a peer that goes away while we write must
// give an error, not kill the process).  Nothing here writes to stdout or stderr.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/stream.h"

// OpenSSL's SSL and SSL_CTX, declared here so that users of this header need
// neither OpenSSL's headers nor its compiler flags.
struct ssl_st;
struct ssl_ctx_st;

namespace qmail::tls {

struct ServerSettings {
  std::string cert_file;  // PEM: the certificate chain; also the private key unless key_file is set
  std::string key_file;   // empty: the key is in cert_file
  std::string ciphers;    // OpenSSL cipher list for TLS 1.2 (empty: OpenSSL's default)
  std::string dh_file;    // optional PEM DH parameters ("" or missing file: built-in groups)
};

class TlsStream final : public io::Stream {
 public:
  /// Server handshake on `rfd`/`wfd` (not owned; may be equal), all of it within
  /// `timeout_seconds` (0: no limit).  TLS 1.2 is the minimum version; no session
  /// state (cache, tickets) outlives the process; renegotiation and compression
  /// are off.  The descriptors are non-blocking while the stream lives; their
  /// flags are restored when it is destroyed.  Errors are temporary, with a
  /// one-line reason including OpenSSL's, e.g. "TLS handshake failed: wrong
  /// version number"; a timeout carries errno ETIMEDOUT.
  static Result<std::unique_ptr<TlsStream>> accept(const ServerSettings& settings, int rfd, int wfd,
                                                   unsigned timeout_seconds);
  ~TlsStream() override;  // frees the SSL and the SSL_CTX; sends nothing

  /// Reads at most `n` decrypted bytes, the whole call within `timeout_seconds`
  /// (0: no limit), so a peer that stops in the middle of a record cannot hold
  /// us longer.  Returns 0 at the peer's close_notify and also at a plain EOF
  /// without one: many clients skip close_notify, and SMTP frames its data itself
  /// (a message cut short lacks its final "." line), so truncation is harmless
  /// here.  Errors are temporary; a timeout carries ETIMEDOUT.
  Result<std::size_t> read_some(char* buf, std::size_t n, unsigned timeout_seconds) override;
  /// Writes all of `s` (partial writes off); each record's worth of data must go
  /// out within `timeout_seconds` (0: no limit).  Errors are temporary.
  Status write_all(std::string_view s, unsigned timeout_seconds) override;
  /// Sends close_notify, best effort, waiting at most `timeout_seconds`; does
  /// not wait for the peer's.  Does nothing after a fatal error.
  void shutdown(unsigned timeout_seconds);

  /// The negotiated protocol, e.g. "TLSv1.3".
  [[nodiscard]] std::string protocol() const;
  /// The negotiated cipher suite, e.g. "TLS_AES_256_GCM_SHA384".
  [[nodiscard]] std::string cipher() const;

 private:
  // client.cc: connect_tls()'s steps, which make a client context and then
  // share start() and handshake() with accept().
  friend class ClientHandshake;

  TlsStream(int rfd, int wfd) : rfd_(rfd), wfd_(wfd) {}
  /// A stream on `rfd`/`wfd` with a new SSL from `ctx`, which it takes over
  /// (freed by the destructor, also when this fails).  The descriptors are
  /// made non-blocking.  Errors are temporary.
  static Result<std::unique_ptr<TlsStream>> start(ssl_ctx_st* ctx, int rfd, int wfd);
  /// SSL_accept() or SSL_connect() until `deadline_ms`; errors as accept() says.
  Status handshake(bool client, long long deadline_ms);
  /// The monotonic deadline `timeout_seconds` from now; 0 gives none.
  static long long deadline_after(unsigned timeout_seconds);
  /// Empties OpenSSL's error queue; returns its earliest reason, or `fallback`,
  /// or `not_found` when OpenSSL found no PEM block and that is not empty.
  static std::string take_openssl_error(std::string_view fallback, std::string_view not_found = {});
  /// Loads a certificate chain and its private key (from `key_file`, or from
  /// `cert_file` when that is empty) into `ctx`; an encrypted key fails instead of
  /// asking for a passphrase.  Errors are temporary and name the file.
  static Status load_key_pair(ssl_ctx_st* ctx, const std::string& cert_file,
                              const std::string& key_file);
  struct Step;  // the outcome of one SSL call, driven until it no longer wants to wait
  template <class Op>
  Result<Step> drive(Op op, long long deadline_ms, std::string_view what);

  ssl_ctx_st* ctx_ = nullptr;
  ssl_st* ssl_ = nullptr;
  int rfd_;
  int wfd_;
  int rfd_flags_ = -1;  // fcntl flags before accept(), restored by the destructor
  int wfd_flags_ = -1;
  bool failed_ = false;  // after a fatal error OpenSSL forbids further I/O and shutdown
};

/// Loads the settings into a context, to check them without a client (for a clear
/// "unable to load servercert.pem: ..." when the program starts).  Errors are temporary.
Status check_settings(const ServerSettings& settings);

}  // namespace qmail::tls
