// server.cc: TlsStream, OpenSSL (1.1.1 or 3.x) driven over non-blocking
// descriptors with poll(), every wait bounded by the caller's deadline.  The
// server's handshake is here; client.cc makes the client's with the same parts.
#include "tls/server.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <unistd.h>
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#include <openssl/dh.h>
#endif

#include <cerrno>
#include <climits>
#include <ctime>

namespace qmail::tls {

namespace {

// One TLS record's worth of plaintext (RFC 8446 5.1): the unit whose sending
// write_all times, so a large write gets a fresh deadline per record.
constexpr std::size_t kMaxRecordPlaintext = 16384;

constexpr long long kNoDeadline = -1;

long long now_ms() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

long long deadline_after(unsigned timeout_seconds) {
  if (timeout_seconds == 0) return kNoDeadline;
  return now_ms() + static_cast<long long>(timeout_seconds) * 1000;
}

/// Waits until `fd` is ready for `events` or `deadline_ms` passes: true when
/// ready (or in error or hung up: the next SSL call finds out), false on timeout.
Result<bool> wait_for(int fd, short events, long long deadline_ms) {
  for (;;) {
    int wait = -1;
    if (deadline_ms != kNoDeadline) {
      long long left = deadline_ms - now_ms();
      if (left <= 0) return false;
      wait = left > INT_MAX ? INT_MAX : static_cast<int>(left);
    }
    struct pollfd p = {fd, events, 0};
    int r = ::poll(&p, 1, wait);
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return sys_error("unable to poll");
  }
}

/// True for the errors OpenSSL reports when a PEM file holds no block of the
/// kind wanted (1.1.1: PEM "no start line"; 3.x: DECODER "unsupported").
bool means_not_found(unsigned long e) {
  if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) return true;
#ifdef ERR_LIB_OSSL_DECODER
  if (ERR_GET_LIB(e) == ERR_LIB_OSSL_DECODER && ERR_GET_REASON(e) == ERR_R_UNSUPPORTED) return true;
#endif
  return false;
}

/// Takes every entry off OpenSSL's error queue of this thread and returns the
/// reason of the earliest (the root cause), or `fallback` when it was empty.
/// When `not_found` is given and OpenSSL found no PEM block, returns that instead.
std::string take_openssl_error(std::string_view fallback, std::string_view not_found = {}) {
  std::string reason;
  bool missing = false;
  while (unsigned long e = ERR_get_error()) {
    missing = missing || means_not_found(e);
    if (!reason.empty()) continue;
    if (const char* s = ERR_reason_error_string(e)) {
      reason = s;
    } else {
      char buf[256];
      ERR_error_string_n(e, buf, sizeof buf);
      reason = buf;
    }
  }
  if (missing && !not_found.empty()) return std::string(not_found);
  return reason.empty() ? std::string(fallback) : reason;
}

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;

// Keys protected by a passphrase fail to load instead of OpenSSL asking for
// the passphrase on a terminal; `asked` (a bool) notes that one was wanted.
int no_passphrase(char*, int, int, void* asked) {
  if (asked) *static_cast<bool*>(asked) = true;
  return -1;
}

/// Fails with a clear errno when `path` cannot be opened for reading, before
/// OpenSSL turns the same problem into a less readable message.
Status check_readable(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return sys_error("unable to read " + path);
  ::close(fd);
  return {};
}

/// Loads DH parameters for the TLS 1.2 DHE suites, or lets OpenSSL pick its
/// built-in groups when `path` is empty or does not exist.
Status load_dh(SSL_CTX* ctx, const std::string& path) {
  if (!path.empty()) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 && errno != ENOENT) return sys_error("unable to read " + path);
    if (fd >= 0) {
      BIO* bio = BIO_new_fd(fd, BIO_CLOSE);
      if (!bio) {
        ::close(fd);
        return temp_error("unable to load " + path + ": " + take_openssl_error("out of memory"));
      }
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
      EVP_PKEY* dh = PEM_read_bio_Parameters(bio, nullptr);
      BIO_free(bio);
      if (!dh || EVP_PKEY_base_id(dh) != EVP_PKEY_DH || !SSL_CTX_set0_tmp_dh_pkey(ctx, dh)) {
        EVP_PKEY_free(dh);
        return temp_error("unable to load DH parameters from " + path + ": " +
                          take_openssl_error("not DH parameters"));
      }
#else
      DH* dh = PEM_read_bio_DHparams(bio, nullptr, nullptr, nullptr);
      BIO_free(bio);
      bool ok = dh && SSL_CTX_set_tmp_dh(ctx, dh) == 1;
      DH_free(dh);  // SSL_CTX_set_tmp_dh keeps its own reference
      if (!ok)
        return temp_error("unable to load DH parameters from " + path + ": " +
                          take_openssl_error("not DH parameters"));
#endif
      return {};
    }
  }
  SSL_CTX_set_dh_auto(ctx, 1);
  return {};
}

/// Loads the certificate chain and its private key into `c`.  `asked` is set
/// by no_passphrase() when the key is encrypted.
Status load_pair(SSL_CTX* c, const std::string& cert_file, const std::string& key_file,
                 const bool& asked) {
  if (cert_file.empty()) return temp_error("no TLS certificate file configured");
  if (auto st = check_readable(cert_file); !st) return st.error();
  if (SSL_CTX_use_certificate_chain_file(c, cert_file.c_str()) != 1)
    return temp_error("unable to load " + cert_file + ": " +
                      take_openssl_error("unknown", "no PEM certificate in the file"));
  const std::string& key = key_file.empty() ? cert_file : key_file;
  if (!key_file.empty())
    if (auto st = check_readable(key); !st) return st.error();
  // OpenSSL's own reasons for a mismatch (e.g. "no certificate assigned" for a
  // key of another type) say less than this.
  std::string mismatch =
      "the private key in " + key + " does not match the certificate in " + cert_file;
  if (SSL_CTX_use_PrivateKey_file(c, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL compares the key with the certificate while loading it.
    unsigned long e = ERR_peek_error();
    if (ERR_GET_LIB(e) == ERR_LIB_X509 && (ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH ||
                                           ERR_GET_REASON(e) == X509_R_KEY_TYPE_MISMATCH))
      return temp_error(mismatch);
    std::string reason = take_openssl_error("unknown", "no PEM private key in the file");
    if (asked) reason = "it is encrypted, and no passphrase can be given";
    return temp_error("unable to load the private key from " + key + ": " + reason);
  }
  if (SSL_CTX_check_private_key(c) != 1) return temp_error(mismatch);
  return {};
}

/// load_pair() with OpenSSL's passphrase prompt replaced by a refusal.
Status load_key_pair_quietly(SSL_CTX* c, const std::string& cert_file,
                             const std::string& key_file) {
  bool asked = false;
  SSL_CTX_set_default_passwd_cb(c, no_passphrase);
  SSL_CTX_set_default_passwd_cb_userdata(c, &asked);
  auto loaded = load_pair(c, cert_file, key_file, asked);
  SSL_CTX_set_default_passwd_cb_userdata(c, nullptr);
  return loaded;
}

/// A server context for the settings; all errors are temporary (a broken
/// certificate is the administrator's to fix, and the client may come back).
Result<CtxPtr> make_context(const ServerSettings& s) {
  ERR_clear_error();
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return temp_error("unable to create TLS context: " + take_openssl_error("unknown"));
  SSL_CTX* c = ctx.get();
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1)
    return temp_error("unable to require TLS 1.2: " + take_openssl_error("unknown"));
  // One process per session: nothing to resume, so keep no state to leak.
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(c, 0);
  // Whole writes: a retried SSL_write passes the same buffer until all of it is out.
  SSL_CTX_clear_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE);
  if (auto st = load_key_pair_quietly(c, s.cert_file, s.key_file); !st) return st.error();
  if (!s.ciphers.empty() && SSL_CTX_set_cipher_list(c, s.ciphers.c_str()) != 1)
    return temp_error("unable to use the TLS ciphers \"" + s.ciphers +
                      "\": " + take_openssl_error("no cipher matched"));
  if (auto st = load_dh(c, s.dh_file); !st) return st.error();
  return ctx;
}

/// Makes `fd` non-blocking; returns its previous flags.
Result<int> set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return sys_error("unable to get descriptor flags");
  if (!(flags & O_NONBLOCK) && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return sys_error("unable to make descriptor non-blocking");
  return flags;
}

}  // namespace

struct TlsStream::Step {
  int ret;        // what the SSL call returned
  int ssl_error;  // SSL_get_error() for it; SSL_ERROR_NONE when ret > 0
  int errnum;     // errno right after the call, for SSL_ERROR_SYSCALL
};

// Calls `op` until it succeeds or fails for a reason other than waiting, polling
// the read or write descriptor as OpenSSL asks, all before `deadline_ms`.  On a
// failure OpenSSL's error queue is left for the caller to read.
template <class Op>
Result<TlsStream::Step> TlsStream::drive(Op op, long long deadline_ms, std::string_view what) {
  for (;;) {
    ERR_clear_error();
    errno = 0;
    int r = op();
    int saved = errno;
    if (r > 0) return Step{r, SSL_ERROR_NONE, 0};
    int e = SSL_get_error(ssl_, r);
    bool rd = e == SSL_ERROR_WANT_READ;
    if (!rd && e != SSL_ERROR_WANT_WRITE) return Step{r, e, saved};
    auto ready = wait_for(rd ? rfd_ : wfd_, rd ? POLLIN : POLLOUT, deadline_ms);
    if (!ready) return ready.error();
    if (!*ready) return Error{ErrorKind::kTemporary, ETIMEDOUT, "timeout " + std::string(what)};
  }
}

Result<std::unique_ptr<TlsStream>> TlsStream::start(ssl_ctx_st* ctx, int rfd, int wfd) {
  std::unique_ptr<TlsStream> t(new TlsStream(rfd, wfd));
  t->ctx_ = ctx;
  auto rflags = set_nonblocking(rfd);
  if (!rflags) return rflags.error();
  t->rfd_flags_ = *rflags;
  if (wfd != rfd) {
    auto wflags = set_nonblocking(wfd);
    if (!wflags) return wflags.error();
    t->wfd_flags_ = *wflags;
  }
  t->ssl_ = SSL_new(t->ctx_);
  if (!t->ssl_) return temp_error("unable to start TLS: " + take_openssl_error("out of memory"));
  bool fds_ok = rfd == wfd ? SSL_set_fd(t->ssl_, rfd) == 1
                           : SSL_set_rfd(t->ssl_, rfd) == 1 && SSL_set_wfd(t->ssl_, wfd) == 1;
  if (!fds_ok) return temp_error("unable to start TLS: " + take_openssl_error("out of memory"));
  return t;
}

Status TlsStream::handshake(bool client, long long deadline_ms) {
  SSL* ssl = ssl_;
  auto step = client
                  ? drive([ssl] { return SSL_connect(ssl); }, deadline_ms, "during TLS handshake")
                  : drive([ssl] { return SSL_accept(ssl); }, deadline_ms, "during TLS handshake");
  if (!step) {
    failed_ = true;
    return step.error();
  }
  if (step->ssl_error == SSL_ERROR_NONE) return {};
  failed_ = true;
  std::string reason = take_openssl_error("");
  if (step->ssl_error == SSL_ERROR_SYSCALL && reason.empty() && step->errnum != 0)
    return Error{ErrorKind::kTemporary, step->errnum, "TLS handshake failed"};
  if (reason.empty() || step->ssl_error == SSL_ERROR_ZERO_RETURN)
    reason = client ? "connection closed by the server" : "connection closed by the client";
  return temp_error("TLS handshake failed: " + reason);
}

long long TlsStream::deadline_after(unsigned timeout_seconds) {
  return tls::deadline_after(timeout_seconds);
}

std::string TlsStream::take_openssl_error(std::string_view fallback, std::string_view not_found) {
  return tls::take_openssl_error(fallback, not_found);
}

Status TlsStream::load_key_pair(ssl_ctx_st* ctx, const std::string& cert_file,
                                const std::string& key_file) {
  return load_key_pair_quietly(ctx, cert_file, key_file);
}

Result<std::unique_ptr<TlsStream>> TlsStream::accept(const ServerSettings& settings, int rfd,
                                                     int wfd, unsigned timeout_seconds) {
  long long deadline = deadline_after(timeout_seconds);
  auto ctx = make_context(settings);
  ERR_clear_error();
  if (!ctx) return ctx.error();
  auto t = start(ctx->release(), rfd, wfd);
  if (!t) return t;
  if (auto st = (*t)->handshake(false, deadline); !st) return st.error();
  return t;
}

TlsStream::~TlsStream() {
  SSL_free(ssl_);
  SSL_CTX_free(ctx_);
  if (rfd_flags_ >= 0) ::fcntl(rfd_, F_SETFL, rfd_flags_);
  if (wfd_flags_ >= 0) ::fcntl(wfd_, F_SETFL, wfd_flags_);
  ERR_clear_error();
}

Result<std::size_t> TlsStream::read_some(char* buf, std::size_t n, unsigned timeout_seconds) {
  if (failed_) return temp_error("TLS read failed: the session has already failed");
  if (n == 0) return std::size_t{0};
  int want = n > INT_MAX ? INT_MAX : static_cast<int>(n);
  SSL* ssl = ssl_;
  auto step = drive([ssl, buf, want] { return SSL_read(ssl, buf, want); },
                    deadline_after(timeout_seconds), "while reading");
  if (!step) return step.error();  // a timeout leaves the session usable
  if (step->ssl_error == SSL_ERROR_NONE) return static_cast<std::size_t>(step->ret);
  if (step->ssl_error == SSL_ERROR_ZERO_RETURN) {  // close_notify
    ERR_clear_error();
    return std::size_t{0};
  }
  failed_ = true;
  unsigned long first = ERR_peek_error();
  // An EOF without close_notify: SSL_ERROR_SYSCALL with nothing queued in
  // OpenSSL 1.1.1, an "unexpected eof" SSL error in 3.x.  Read as EOF (see header).
  if (step->ssl_error == SSL_ERROR_SYSCALL && first == 0 && step->errnum == 0)
    return std::size_t{0};
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
  if (step->ssl_error == SSL_ERROR_SSL && ERR_GET_LIB(first) == ERR_LIB_SSL &&
      ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    ERR_clear_error();
    return std::size_t{0};
  }
#endif
  if (step->ssl_error == SSL_ERROR_SYSCALL && first == 0)
    return Error{ErrorKind::kTemporary, step->errnum, "TLS read failed"};
  return temp_error("TLS read failed: " + take_openssl_error("unknown error"));
}

Status TlsStream::write_all(std::string_view s, unsigned timeout_seconds) {
  if (failed_) return temp_error("TLS write failed: the session has already failed");
  SSL* ssl = ssl_;
  while (!s.empty()) {
    std::string_view chunk = s.substr(0, kMaxRecordPlaintext);
    auto step =
        drive([ssl, chunk] { return SSL_write(ssl, chunk.data(), static_cast<int>(chunk.size())); },
              deadline_after(timeout_seconds), "while writing");
    if (!step) {
      // OpenSSL wants the same write retried; nobody will, so no more I/O.
      failed_ = true;
      return step.error();
    }
    if (step->ssl_error != SSL_ERROR_NONE) {
      failed_ = true;
      std::string reason = take_openssl_error("");
      if (step->ssl_error == SSL_ERROR_SYSCALL && reason.empty() && step->errnum != 0)
        return Error{ErrorKind::kTemporary, step->errnum, "TLS write failed"};
      return temp_error("TLS write failed: " + (reason.empty() ? "connection closed" : reason));
    }
    s.remove_prefix(chunk.size());
  }
  return {};
}

void TlsStream::shutdown(unsigned timeout_seconds) {
  if (failed_ || !ssl_) return;
  SSL* ssl = ssl_;
  // 0 means our close_notify went out and the peer's has not come: enough.
  auto step = drive([ssl] { return SSL_shutdown(ssl) >= 0 ? 1 : -1; },
                    deadline_after(timeout_seconds), "while closing TLS");
  if (!step || step->ssl_error != SSL_ERROR_NONE) failed_ = true;
  ERR_clear_error();
}

std::string TlsStream::protocol() const { return ssl_ ? SSL_get_version(ssl_) : ""; }

std::string TlsStream::cipher() const {
  const SSL_CIPHER* c = ssl_ ? SSL_get_current_cipher(ssl_) : nullptr;
  return c ? SSL_CIPHER_get_name(c) : "";
}

Status check_settings(const ServerSettings& settings) {
  auto ctx = make_context(settings);
  ERR_clear_error();
  if (!ctx) return ctx.error();
  return {};
}

}  // namespace qmail::tls
