// Unit tests for src/lib/tls/server: TlsStream against an OpenSSL client in a
// child process, over a socketpair or two pipes, with a self-signed
// certificate made at test time.  Every child has alarm() as a backstop.
// server.h comes first: its <memory> pulls in iostreams, whose fail() must be
// declared before Check defines a macro of that name.
#include "tls/server.h"

#include <check.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "check_main.h"
#include "check_tmp.h"

using namespace qmail;

namespace {

constexpr unsigned kChildBackstop = 8;  // seconds before a stuck child is killed by SIGALRM

EVP_PKEY* make_key() {
  EVP_PKEY_CTX* pc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
  ck_assert_ptr_nonnull(pc);
  ck_assert_int_eq(EVP_PKEY_keygen_init(pc), 1);
  ck_assert_int_eq(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(pc, NID_X9_62_prime256v1), 1);
  ck_assert_int_eq(EVP_PKEY_CTX_set_ec_param_enc(pc, OPENSSL_EC_NAMED_CURVE), 1);
  EVP_PKEY* key = nullptr;
  ck_assert_int_eq(EVP_PKEY_keygen(pc, &key), 1);
  EVP_PKEY_CTX_free(pc);
  return key;
}

X509* make_cert(EVP_PKEY* key) {
  X509* x = X509_new();
  ck_assert_ptr_nonnull(x);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("mail.example.org"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  ck_assert_int_gt(X509_sign(x, key, EVP_sha256()), 0);
  return x;
}

enum class Pem { kCert, kKey, kCertAndKey, kEncryptedKey };

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key, Pem what) {
  BIO* bio = BIO_new_file(path.c_str(), "w");
  ck_assert_ptr_nonnull(bio);
  if (what == Pem::kCert || what == Pem::kCertAndKey)
    ck_assert_int_eq(PEM_write_bio_X509(bio, cert), 1);
  if (what == Pem::kKey || what == Pem::kCertAndKey)
    ck_assert_int_eq(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  if (what == Pem::kEncryptedKey) {
    char pass[] = "secret";
    ck_assert_int_eq(
        PEM_write_bio_PrivateKey(bio, key, EVP_aes_128_cbc(), nullptr, 0, nullptr, pass), 1);
  }
  BIO_free(bio);
}

struct Certs {
  std::string dir;
  tls::ServerSettings combined;  // cert and key in one file
  tls::ServerSettings split;     // key in a file of its own
  std::string cert_only;
  std::string other_key;  // a key that does not match the certificate
  std::string encrypted_key;
};

Certs make_certs() {
  Certs c;
  c.dir = check_tmp::make_dir("check_tls_server");
  EVP_PKEY* key = make_key();
  X509* cert = make_cert(key);
  c.combined.cert_file = c.dir + "/servercert.pem";
  write_pem(c.combined.cert_file, cert, key, Pem::kCertAndKey);
  c.cert_only = c.dir + "/cert.pem";
  write_pem(c.cert_only, cert, key, Pem::kCert);
  c.split.cert_file = c.cert_only;
  c.split.key_file = c.dir + "/key.pem";
  write_pem(c.split.key_file, cert, key, Pem::kKey);
  c.encrypted_key = c.dir + "/encrypted.pem";
  write_pem(c.encrypted_key, cert, key, Pem::kEncryptedKey);
  EVP_PKEY* other = make_key();
  c.other_key = c.dir + "/other.pem";
  write_pem(c.other_key, cert, other, Pem::kKey);
  EVP_PKEY_free(other);
  X509_free(cert);
  EVP_PKEY_free(key);
  return c;
}

// The descriptors between the server (this process) and the client (a child).
struct Channel {
  int server_r, server_w, client_r, client_w;
};

Channel make_socketpair() {
  int sv[2];
  ck_assert_int_eq(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  return {sv[0], sv[0], sv[1], sv[1]};
}

Channel make_pipes() {
  int up[2], down[2];  // up: client to server; down: server to client
  ck_assert_int_eq(::pipe2(up, O_CLOEXEC), 0);
  ck_assert_int_eq(::pipe2(down, O_CLOEXEC), 0);
  return {up[0], down[1], down[0], up[1]};
}

void close_pair(int r, int w) {
  ::close(r);
  if (w != r) ::close(w);
}

enum class Client {
  kEcho,           // TLS; writes "hello\r\n", expects it back
  kPlainText,      // speaks SMTP in clear
  kSilent,         // connects and says nothing
  kTls11,          // offers TLS 1.1 at most; exits 0 when refused
  kTls12,          // TLS 1.2 at most; writes "x\r\n", expects it back
  kPartialRecord,  // after the handshake sends half a record and stops
  kCloseNotify,    // sends "bye", then close_notify
  kBareEof,        // sends "bye", then closes without close_notify
};

bool client_write(SSL* ssl, const char* s) {
  int n = static_cast<int>(std::strlen(s));
  return SSL_write(ssl, s, n) == n;
}

// Expects exactly `want` back from the server.
bool client_expect(SSL* ssl, const std::string& want) {
  std::string got;
  for (int i = 0; i < 20 && got.size() < want.size(); ++i) {
    char buf[64];
    int r = SSL_read(ssl, buf, sizeof buf);
    if (r <= 0) return false;
    got.append(buf, static_cast<std::size_t>(r));
  }
  return got == want;
}

int client_main(Client kind, int rfd, int wfd) {
  if (kind == Client::kSilent) {
    for (;;) ::pause();  // until killed, or SIGALRM
  }
  if (kind == Client::kPlainText) {
    static const char kEhlo[] = "EHLO x\r\n";
    if (::write(wfd, kEhlo, sizeof kEhlo - 1) != sizeof kEhlo - 1) return 2;
    char buf[256];
    while (::read(rfd, buf, sizeof buf) > 0) {
    }
    return 0;
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return 3;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  if (kind == Client::kTls11) {
    // Below the default security level OpenSSL would not even offer TLS 1.1.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
  }
  if (kind == Client::kTls12) SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  SSL* ssl = SSL_new(ctx);
  if (rfd == wfd) {
    SSL_set_fd(ssl, rfd);
  } else {
    SSL_set_rfd(ssl, rfd);
    SSL_set_wfd(ssl, wfd);
  }
  int connected = SSL_connect(ssl);
  if (kind == Client::kTls11) return connected == 1 ? 1 : 0;
  if (connected != 1) return 4;
  switch (kind) {
    case Client::kEcho:
      if (!client_write(ssl, "hello\r\n") || !client_expect(ssl, "hello\r\n")) return 5;
      break;
    case Client::kTls12:
      if (!client_write(ssl, "x\r\n") || !client_expect(ssl, "x\r\n")) return 5;
      break;
    case Client::kPartialRecord: {
      // An application-data record header announcing 64 bytes, then 10 of them.
      static const unsigned char kHalf[15] = {0x17, 0x03, 0x03, 0x00, 0x40};
      if (::write(wfd, kHalf, sizeof kHalf) != sizeof kHalf) return 6;
      for (;;) ::pause();
    }
    case Client::kCloseNotify:
      if (!client_write(ssl, "bye")) return 7;
      SSL_shutdown(ssl);
      break;
    case Client::kBareEof:
      if (!client_write(ssl, "bye")) return 7;
      break;
    default:
      break;
  }
  return 0;
}

pid_t start_client(Client kind, const Channel& ch) {
  pid_t pid = ::fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    // Check's handlers, inherited, would take the whole test down with the child.
    ::signal(SIGALRM, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::alarm(kChildBackstop);
    ::signal(SIGPIPE, SIG_IGN);
    close_pair(ch.server_r, ch.server_w);
    _exit(client_main(kind, ch.client_r, ch.client_w));  // _exit: keep the parent's temp dir
  }
  close_pair(ch.client_r, ch.client_w);
  return pid;
}

// Milliseconds on the monotonic clock.
long long now_ms() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// The child's exit code; -1 when a signal ended it.
int wait_client(pid_t pid) {
  int status = 0;
  ck_assert_int_eq(::waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool contains(const std::string& hay, std::string_view needle) {
  return hay.find(needle) != std::string::npos;
}

// Reads what the client sends until the end; returns it.
std::string read_to_end(tls::TlsStream& t) {
  std::string got;
  for (int i = 0; i < 20; ++i) {
    char buf[64];
    auto n = t.read_some(buf, sizeof buf, 5);
    if (!n) ck_abort_msg("read_some: %s", n.error().text().c_str());
    if (*n == 0) return got;
    got.append(buf, *n);
  }
  ck_abort_msg("no end of input");
  return got;
}

// Accepts, echoes one line back, closes; returns the negotiated protocol.
std::string serve_echo(const tls::ServerSettings& settings, const Channel& ch, Client kind) {
  pid_t pid = start_client(kind, ch);
  auto t = tls::TlsStream::accept(settings, ch.server_r, ch.server_w, 5);
  if (!t) ck_abort_msg("accept: %s", t.error().text().c_str());
  std::string line;
  for (int i = 0; i < 20 && !contains(line, "\r\n"); ++i) {
    char buf[64];
    auto n = (*t)->read_some(buf, sizeof buf, 5);
    if (!n) ck_abort_msg("read_some: %s", n.error().text().c_str());
    if (*n == 0) break;
    line.append(buf, *n);
  }
  ck_assert(contains(line, "\r\n"));
  auto st = (*t)->write_all(line, 5);
  if (!st) ck_abort_msg("write_all: %s", st.error().text().c_str());
  std::string proto = (*t)->protocol();
  ck_assert(!(*t)->cipher().empty());
  (*t)->shutdown(2);
  ck_assert_int_eq(wait_client(pid), 0);
  t->reset();
  close_pair(ch.server_r, ch.server_w);
  return proto;
}

}  // namespace

START_TEST(accept_echoes_over_a_socket_with_key_in_cert_file) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  Channel ch = make_socketpair();
  std::string proto = serve_echo(c.combined, ch, Client::kEcho);
  ck_assert_msg(proto.rfind("TLSv1.", 0) == 0, "protocol %s", proto.c_str());
}
END_TEST

START_TEST(accept_echoes_over_two_pipes_with_separate_key_file) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  Channel ch = make_pipes();
  std::string proto = serve_echo(c.split, ch, Client::kEcho);
  ck_assert_msg(proto.rfind("TLSv1.", 0) == 0, "protocol %s", proto.c_str());
}
END_TEST

START_TEST(accept_honours_the_tls12_cipher_list) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ServerSettings s = c.combined;
  s.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
  Channel ch = make_socketpair();
  pid_t pid = start_client(Client::kTls12, ch);
  auto t = tls::TlsStream::accept(s, ch.server_r, ch.server_w, 5);
  if (!t) ck_abort_msg("accept: %s", t.error().text().c_str());
  std::string proto = (*t)->protocol();
  std::string cipher = (*t)->cipher();
  ck_assert_str_eq(proto.c_str(), "TLSv1.2");
  ck_assert_str_eq(cipher.c_str(), "ECDHE-ECDSA-AES128-GCM-SHA256");
  char buf[8];
  auto n = (*t)->read_some(buf, sizeof buf, 5);
  ck_assert(n.ok() && *n == 3);
  ck_assert((*t)->write_all(std::string_view(buf, 3), 5).ok());
  ck_assert_int_eq(wait_client(pid), 0);
}
END_TEST

START_TEST(accept_restores_descriptor_flags) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  Channel ch = make_socketpair();
  int before = ::fcntl(ch.server_r, F_GETFL);
  ck_assert(!(before & O_NONBLOCK));
  pid_t pid = start_client(Client::kCloseNotify, ch);
  {
    auto t = tls::TlsStream::accept(c.combined, ch.server_r, ch.server_w, 5);
    ck_assert(t.ok());
    ck_assert(::fcntl(ch.server_r, F_GETFL) & O_NONBLOCK);
    std::string got = read_to_end(**t);
    ck_assert_str_eq(got.c_str(), "bye");
  }
  ck_assert_int_eq(::fcntl(ch.server_r, F_GETFL), before);
  ::close(ch.server_r);
  ck_assert_int_eq(wait_client(pid), 0);
}
END_TEST

START_TEST(plain_text_client_fails_the_handshake_temporarily) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  Channel ch = make_socketpair();
  pid_t pid = start_client(Client::kPlainText, ch);
  auto t = tls::TlsStream::accept(c.combined, ch.server_r, ch.server_w, 5);
  ck_assert(!t.ok());
  ck_assert(t.error().temporary());
  std::string text = t.error().text();
  ck_assert_msg(text.rfind("TLS handshake failed: ", 0) == 0, "%s", text.c_str());
  ck_assert_msg(text.find('\n') == std::string::npos, "%s", text.c_str());
  ::close(ch.server_r);
  ck_assert_int_eq(wait_client(pid), 0);
}
END_TEST

START_TEST(silent_client_times_out_the_handshake) {
  Certs c = make_certs();
  Channel ch = make_socketpair();
  pid_t pid = start_client(Client::kSilent, ch);
  long long start = now_ms();
  auto t = tls::TlsStream::accept(c.combined, ch.server_r, ch.server_w, 1);
  long long took = now_ms() - start;
  ck_assert(!t.ok());
  ck_assert(t.error().temporary());
  ck_assert_int_eq(t.error().errnum, ETIMEDOUT);
  ck_assert_msg(took >= 900, "took %lld ms", took);
  ck_assert_msg(took < 2500, "took %lld ms", took);
  ::kill(pid, SIGKILL);
  ck_assert_int_eq(wait_client(pid), -1);
  ::close(ch.server_r);
}
END_TEST

START_TEST(tls_1_1_client_is_refused) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  Channel ch = make_socketpair();
  pid_t pid = start_client(Client::kTls11, ch);
  auto t = tls::TlsStream::accept(c.combined, ch.server_r, ch.server_w, 5);
  ck_assert(!t.ok());
  std::string text = t.error().text();
  ck_assert_msg(contains(text, "unsupported protocol"), "%s", text.c_str());
  ::close(ch.server_r);
  ck_assert_int_eq(wait_client(pid), 0);
}
END_TEST

START_TEST(read_times_out_in_the_middle_of_a_record) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  Channel ch = make_socketpair();
  pid_t pid = start_client(Client::kPartialRecord, ch);
  auto t = tls::TlsStream::accept(c.combined, ch.server_r, ch.server_w, 5);
  ck_assert(t.ok());
  long long start = now_ms();
  char buf[64];
  auto n = (*t)->read_some(buf, sizeof buf, 1);
  long long took = now_ms() - start;
  ck_assert(!n.ok());
  ck_assert_int_eq(n.error().errnum, ETIMEDOUT);
  ck_assert_msg(took >= 900, "took %lld ms", took);
  ck_assert_msg(took < 2500, "took %lld ms", took);
  ::kill(pid, SIGKILL);
  ck_assert_int_eq(wait_client(pid), -1);
}
END_TEST

START_TEST(close_notify_and_bare_eof_both_end_the_input) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  for (Client kind : {Client::kCloseNotify, Client::kBareEof}) {
    Channel ch = make_socketpair();
    pid_t pid = start_client(kind, ch);
    auto t = tls::TlsStream::accept(c.combined, ch.server_r, ch.server_w, 5);
    ck_assert(t.ok());
    std::string got = read_to_end(**t);
    ck_assert_str_eq(got.c_str(), "bye");
    ck_assert_int_eq(wait_client(pid), 0);
    t->reset();
    ::close(ch.server_r);
  }
}
END_TEST

START_TEST(check_settings_accepts_good_certificates) {
  Certs c = make_certs();
  ck_assert(tls::check_settings(c.combined).ok());
  ck_assert(tls::check_settings(c.split).ok());
  tls::ServerSettings s = c.combined;
  s.dh_file = c.dir + "/no-such-dhparam.pem";  // missing: built-in groups
  ck_assert(tls::check_settings(s).ok());
}
END_TEST

START_TEST(check_settings_reports_a_missing_file) {
  Certs c = make_certs();
  tls::ServerSettings s;
  s.cert_file = c.dir + "/missing.pem";
  auto st = tls::check_settings(s);
  ck_assert(!st.ok());
  ck_assert(st.error().temporary());
  std::string want = "unable to read " + s.cert_file + ": No such file or directory";
  std::string text = st.error().text();
  ck_assert_str_eq(text.c_str(), want.c_str());
  s = c.split;
  s.key_file = c.dir + "/missing-key.pem";
  st = tls::check_settings(s);
  ck_assert(!st.ok());
  ck_assert(contains(st.error().text(), "missing-key.pem"));
}
END_TEST

START_TEST(check_settings_reports_a_file_without_key) {
  Certs c = make_certs();
  tls::ServerSettings s;
  s.cert_file = c.cert_only;
  auto st = tls::check_settings(s);
  ck_assert(!st.ok());
  std::string text = st.error().text();
  std::string want = "unable to load the private key from " + c.cert_only + ": ";
  ck_assert_msg(text.rfind(want, 0) == 0, "%s", text.c_str());
  ck_assert_msg(text.size() > want.size(), "%s", text.c_str());
}
END_TEST

START_TEST(check_settings_reports_bad_contents) {
  Certs c = make_certs();
  tls::ServerSettings s;
  s.cert_file = c.dir + "/junk.pem";
  check_tmp::write_file(s.cert_file, "not a certificate\n");
  auto st = tls::check_settings(s);
  ck_assert(!st.ok());
  ck_assert_msg(contains(st.error().text(), "unable to load " + s.cert_file + ": "), "%s",
                st.error().text().c_str());

  s = c.split;
  s.key_file = c.other_key;
  st = tls::check_settings(s);
  ck_assert(!st.ok());
  ck_assert_msg(contains(st.error().text(), "does not match"), "%s", st.error().text().c_str());

  s = c.split;
  s.key_file = c.encrypted_key;  // needs a passphrase: fails, asks nobody
  st = tls::check_settings(s);
  ck_assert(!st.ok());
  ck_assert_msg(contains(st.error().text(), "encrypted"), "%s", st.error().text().c_str());

  s = c.combined;
  s.ciphers = "NO-SUCH-CIPHER";
  st = tls::check_settings(s);
  ck_assert(!st.ok());
  ck_assert_msg(contains(st.error().text(), "NO-SUCH-CIPHER"), "%s", st.error().text().c_str());

  s = c.combined;
  s.dh_file = c.dir + "/dhparam.pem";
  check_tmp::write_file(s.dh_file,
                        "-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n");
  st = tls::check_settings(s);
  ck_assert(!st.ok());
  ck_assert_msg(contains(st.error().text(), "DH parameters"), "%s", st.error().text().c_str());
}
END_TEST

START_TEST(check_settings_loads_dh_parameters) {
  Certs c = make_certs();
  EVP_PKEY_CTX* pc = EVP_PKEY_CTX_new_id(EVP_PKEY_DH, nullptr);
  ck_assert_ptr_nonnull(pc);
  ck_assert_int_eq(EVP_PKEY_paramgen_init(pc), 1);
  ck_assert_int_eq(EVP_PKEY_CTX_set_dh_nid(pc, NID_ffdhe2048), 1);  // a named group: no search
  EVP_PKEY* params = nullptr;
  ck_assert_int_eq(EVP_PKEY_paramgen(pc, &params), 1);
  tls::ServerSettings s = c.combined;
  s.dh_file = c.dir + "/dhparam.pem";
  BIO* bio = BIO_new_file(s.dh_file.c_str(), "w");
  ck_assert_int_eq(PEM_write_bio_Parameters(bio, params), 1);
  BIO_free(bio);
  EVP_PKEY_free(params);
  EVP_PKEY_CTX_free(pc);
  auto st = tls::check_settings(s);
  if (!st) ck_abort_msg("%s", st.error().text().c_str());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("tls_server");
  TCase* tc = tcase_create("accept");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, accept_echoes_over_a_socket_with_key_in_cert_file);
  tcase_add_test(tc, accept_echoes_over_two_pipes_with_separate_key_file);
  tcase_add_test(tc, accept_honours_the_tls12_cipher_list);
  tcase_add_test(tc, accept_restores_descriptor_flags);
  tcase_add_test(tc, plain_text_client_fails_the_handshake_temporarily);
  tcase_add_test(tc, silent_client_times_out_the_handshake);
  tcase_add_test(tc, tls_1_1_client_is_refused);
  suite_add_tcase(s, tc);
  tc = tcase_create("read_some");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, read_times_out_in_the_middle_of_a_record);
  tcase_add_test(tc, close_notify_and_bare_eof_both_end_the_input);
  suite_add_tcase(s, tc);
  tc = tcase_create("check_settings");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, check_settings_accepts_good_certificates);
  tcase_add_test(tc, check_settings_reports_a_missing_file);
  tcase_add_test(tc, check_settings_reports_a_file_without_key);
  tcase_add_test(tc, check_settings_reports_bad_contents);
  tcase_add_test(tc, check_settings_loads_dh_parameters);
  suite_add_tcase(s, tc);
  return s;
}
