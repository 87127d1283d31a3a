// Unit tests for src/lib/tls/client: connect_tls() against a server in a child
// process over a socketpair, with a test CA, a server certificate it signed for
// mx.example.test, and a self-signed certificate, all made at test time.  Most
// servers are TlsStream::accept(); one is plain OpenSSL, limited to TLS 1.2, to
// see the SNI and the cipher.  Every child has alarm() as a backstop.
// client.h comes first: its <memory> pulls in iostreams, whose fail() must be
// declared before Check defines a macro of that name.
#include "tls/client.h"

#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <string>

#include "check_main.h"
#include "check_tmp.h"

using namespace qmail;

namespace {

constexpr unsigned kChildBackstop = 8;  // seconds before a stuck child is killed by SIGALRM
constexpr unsigned kTimeout = 5;        // for every handshake expected to succeed

EVP_PKEY* make_key() {
  EVP_PKEY_CTX* pc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
  ck_assert_ptr_nonnull(pc);
  ck_assert_int_eq(EVP_PKEY_keygen_init(pc), 1);
  ck_assert_int_eq(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(pc, NID_X9_62_prime256v1), 1);
  EVP_PKEY* key = nullptr;
  ck_assert_int_eq(EVP_PKEY_keygen(pc, &key), 1);
  EVP_PKEY_CTX_free(pc);
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ck_assert_ptr_nonnull(ext);
  ck_assert_int_eq(X509_add_ext(cert, ext, -1), 1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, signed by `issuer` with `issuer_key`, or
// self-signed when `issuer` is null.  A CA when `san` is null.
X509* make_cert(EVP_PKEY* key, const char* cn, const char* san, X509* issuer, EVP_PKEY* issuer_key,
                long serial) {
  X509* x = X509_new();
  ck_assert_ptr_nonnull(x);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : x;
  add_ext(x, signer, NID_subject_key_identifier, "hash");
  if (san) {
    add_ext(x, signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x, signer, NID_subject_alt_name, san);
    add_ext(x, signer, NID_ext_key_usage, "serverAuth,clientAuth");
  } else {
    add_ext(x, signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  }
  ck_assert_int_gt(X509_sign(x, issuer ? issuer_key : key, EVP_sha256()), 0);
  return x;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  BIO* bio = BIO_new_file(path.c_str(), "w");
  ck_assert_ptr_nonnull(bio);
  ck_assert_int_eq(PEM_write_bio_X509(bio, cert), 1);
  if (key)
    ck_assert_int_eq(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  BIO_free(bio);
}

// SHA-256 over the DER, computed here without X509_digest().
std::string sha256_hex(X509* cert) {
  unsigned char* der = nullptr;
  int n = i2d_X509(cert, &der);
  ck_assert_int_gt(n, 0);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ck_assert_int_eq(EVP_Digest(der, static_cast<std::size_t>(n), md, &len, EVP_sha256(), nullptr),
                   1);
  OPENSSL_free(der);
  std::string out;
  static const char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

struct Certs {
  std::string dir;
  std::string ca;        // the test CA's certificate
  std::string mx;        // mx.example.test, signed by the CA: certificate and key
  std::string mx_cert;   // its certificate alone
  std::string other_ca;  // the self-signed certificate alone, as a CA file
  std::string other;     // the self-signed certificate and its key
  std::string mx_fingerprint;
  std::string other_fingerprint;
};

Certs make_certs() {
  Certs c;
  c.dir = check_tmp::make_dir("check_tls_client");
  EVP_PKEY* ca_key = make_key();
  X509* ca = make_cert(ca_key, "Test CA", nullptr, nullptr, nullptr, 1);
  EVP_PKEY* mx_key = make_key();
  X509* mx = make_cert(mx_key, "mx.example.test", "DNS:mx.example.test", ca, ca_key, 2);
  EVP_PKEY* other_key = make_key();
  X509* other = make_cert(other_key, "other.example.test", nullptr, nullptr, nullptr, 3);
  c.ca = c.dir + "/ca.pem";
  write_pem(c.ca, ca, nullptr);
  c.mx = c.dir + "/mx.pem";
  write_pem(c.mx, mx, mx_key);
  c.mx_cert = c.dir + "/mx-cert.pem";
  write_pem(c.mx_cert, mx, nullptr);
  c.other_ca = c.dir + "/other-ca.pem";
  write_pem(c.other_ca, other, nullptr);
  c.other = c.dir + "/other.pem";
  write_pem(c.other, other, other_key);
  c.mx_fingerprint = sha256_hex(mx);
  c.other_fingerprint = sha256_hex(other);
  for (X509* x : {ca, mx, other}) X509_free(x);
  for (EVP_PKEY* k : {ca_key, mx_key, other_key}) EVP_PKEY_free(k);
  return c;
}

enum class Server {
  kEcho,     // TlsStream: echoes one line, then expects the end of input
  kNothing,  // TlsStream: the handshake, then expects the end of input with no data
  kSilent,   // never answers the ClientHello
  kPlain,    // answers in clear text
  kRawSni,   // OpenSSL, TLS 1.2 at most: sends the SNI it got ("-" for none) and a line end
};

bool contains(const std::string& hay, std::string_view needle) {
  return hay.find(needle) != std::string::npos;
}

int serve_tls_stream(Server kind, const std::string& cert, int fd) {
  tls::ServerSettings s;
  s.cert_file = cert;
  auto t = tls::TlsStream::accept(s, fd, fd, kTimeout);
  if (!t) return 3;
  std::string got;
  for (int i = 0; i < 20; ++i) {
    char buf[64];
    auto n = (*t)->read_some(buf, sizeof buf, kTimeout);
    if (!n) return 4;
    if (*n == 0) break;
    got.append(buf, *n);
    if (kind == Server::kEcho && contains(got, "\r\n")) {
      if (!(*t)->write_all(got, kTimeout)) return 5;
      got.clear();
    }
  }
  return got.empty() ? 0 : 6;
}

int serve_raw_sni(const std::string& cert, int fd) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx || SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) != 1) return 3;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, cert.c_str(), SSL_FILETYPE_PEM) != 1)
    return 4;
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) != 1) return 5;
  const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  std::string line = std::string(sni ? sni : "-") + "\r\n";
  if (SSL_write(ssl, line.data(), static_cast<int>(line.size())) != static_cast<int>(line.size()))
    return 6;
  char buf[64];
  while (SSL_read(ssl, buf, sizeof buf) > 0) {
  }
  return 0;
}

int server_main(Server kind, const std::string& cert, int fd) {
  switch (kind) {
    case Server::kSilent:
      for (;;) ::pause();  // until killed, or SIGALRM
    case Server::kPlain: {
      static const char kReply[] = "554 not TLS\r\n";
      if (::write(fd, kReply, sizeof kReply - 1) != sizeof kReply - 1) return 2;
      char buf[256];
      while (::read(fd, buf, sizeof buf) > 0) {
      }
      return 0;
    }
    case Server::kRawSni:
      return serve_raw_sni(cert, fd);
    default:
      return serve_tls_stream(kind, cert, fd);
  }
}

// A server in a child on one end of a socketpair; the other end is `*client_fd`.
pid_t start_server(Server kind, const std::string& cert, int* client_fd) {
  int sv[2];
  ck_assert_int_eq(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pid_t pid = ::fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    // Check's handlers, inherited, would take the whole test down with the child.
    ::signal(SIGALRM, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::alarm(kChildBackstop);
    ::signal(SIGPIPE, SIG_IGN);
    ::close(sv[0]);
    _exit(server_main(kind, cert, sv[1]));  // _exit: keep the parent's temp dir
  }
  ::close(sv[1]);
  *client_fd = sv[0];
  return pid;
}

// The child's exit code; -1 when a signal ended it.
int wait_server(pid_t pid) {
  int status = 0;
  ck_assert_int_eq(::waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

long long now_ms() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Reads from `t` until a line end; returns what came.
std::string read_line(tls::TlsStream& t) {
  std::string got;
  for (int i = 0; i < 20 && !contains(got, "\r\n"); ++i) {
    char buf[64];
    auto n = t.read_some(buf, sizeof buf, kTimeout);
    if (!n) ck_abort_msg("read_some: %s", n.error().text().c_str());
    if (*n == 0) break;
    got.append(buf, *n);
  }
  return got;
}

// Connects to a server of `kind` presenting `cert`; expects success, checks that
// data goes both ways (kEcho), and returns what the handshake found.
tls::PeerInfo connect_ok(const tls::ClientSettings& settings, const std::string& cert) {
  int fd = -1;
  pid_t pid = start_server(Server::kEcho, cert, &fd);
  tls::PeerInfo info;
  auto t = tls::connect_tls(settings, fd, kTimeout, &info);
  if (!t) ck_abort_msg("connect_tls: %s", t.error().text().c_str());
  ck_assert((*t)->write_all("hello\r\n", kTimeout).ok());
  std::string echoed = read_line(**t);
  ck_assert_str_eq(echoed.c_str(), "hello\r\n");
  (*t)->shutdown(2);
  t->reset();
  ::close(fd);
  ck_assert_int_eq(wait_server(pid), 0);
  return info;
}

// Connects to a server presenting `cert`; expects the certificate check to fail
// and the server to receive nothing after the handshake.  Returns the error text.
std::string connect_fails(const tls::ClientSettings& settings, const std::string& cert,
                          tls::PeerInfo* info) {
  int fd = -1;
  pid_t pid = start_server(Server::kNothing, cert, &fd);
  auto t = tls::connect_tls(settings, fd, kTimeout, info);
  ck_assert(!t.ok());
  ck_assert(t.error().temporary());
  ::close(fd);
  ck_assert_int_eq(wait_server(pid), 0);
  return t.error().text();
}

tls::ClientSettings ca_file_settings(const std::string& ca_file, const std::string& name) {
  tls::ClientSettings s;
  s.verify = tls::Verify::kCaFile;
  s.ca_file = ca_file;
  s.names = {name};
  s.sni = name;
  return s;
}

}  // namespace

START_TEST(none_accepts_a_self_signed_certificate_and_reports_it) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ClientSettings s;
  s.names = {"other.example.test"};
  tls::PeerInfo info = connect_ok(s, c.other);
  ck_assert_msg(info.protocol.rfind("TLSv1.", 0) == 0, "%s", info.protocol.c_str());
  ck_assert(!info.cipher.empty());
  ck_assert(!info.verified);
  ck_assert_msg(contains(info.verify_note, "self"), "%s", info.verify_note.c_str());
  ck_assert_str_eq(info.subject.c_str(), "other.example.test");
  ck_assert_str_eq(info.fingerprint.c_str(), c.other_fingerprint.c_str());
}
END_TEST

START_TEST(none_reports_an_unknown_ca) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ClientSettings s;
  s.names = {"mx.example.test"};
  tls::PeerInfo info = connect_ok(s, c.mx);
  ck_assert(!info.verified);
  ck_assert_str_eq(info.verify_note.c_str(), "unable to get local issuer certificate");
  ck_assert_str_eq(info.fingerprint.c_str(), c.mx_fingerprint.c_str());
}
END_TEST

START_TEST(ca_file_with_the_right_ca_and_name_verifies) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::PeerInfo info = connect_ok(ca_file_settings(c.ca, "mx.example.test"), c.mx);
  ck_assert(info.verified);
  ck_assert_str_eq(info.verify_note.c_str(), "");
  ck_assert_str_eq(info.subject.c_str(), "mx.example.test");
  ck_assert_str_eq(info.fingerprint.c_str(), c.mx_fingerprint.c_str());
}
END_TEST

START_TEST(ca_file_accepts_any_of_the_names) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ClientSettings s = ca_file_settings(c.ca, "example.test");
  s.names.push_back("MX.Example.Test.");  // case and a trailing dot do not matter
  tls::PeerInfo info = connect_ok(s, c.mx);
  ck_assert(info.verified);
}
END_TEST

START_TEST(ca_file_with_a_wrong_name_fails) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::PeerInfo info;
  tls::ClientSettings s = ca_file_settings(c.ca, "example.test");
  s.names.push_back("xmx.example.test");
  std::string text = connect_fails(s, c.mx, &info);
  ck_assert_str_eq(text.c_str(),
                   "TLS certificate check failed: no name matches example.test, xmx.example.test");
  ck_assert(!info.verified);
  ck_assert_str_eq(info.subject.c_str(), "mx.example.test");
  ck_assert_str_eq(info.fingerprint.c_str(), c.mx_fingerprint.c_str());
}
END_TEST

START_TEST(ca_file_without_a_name_fails) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ClientSettings s = ca_file_settings(c.ca, "192.0.2.1");  // not a DNS name
  std::string text = connect_fails(s, c.mx, nullptr);
  ck_assert_msg(contains(text, "no name to check"), "%s", text.c_str());
}
END_TEST

START_TEST(ca_file_with_another_ca_fails) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::PeerInfo info;
  std::string text = connect_fails(ca_file_settings(c.other_ca, "mx.example.test"), c.mx, &info);
  ck_assert_str_eq(
      text.c_str(),
      "TLS certificate check failed: certificate verify failed: unable to get local issuer "
      "certificate");
  ck_assert(!info.verified);
  ck_assert_str_eq(info.verify_note.c_str(), "unable to get local issuer certificate");
  // A self-signed certificate is not trusted because a CA file is given.
  text = connect_fails(ca_file_settings(c.ca, "other.example.test"), c.other, nullptr);
  ck_assert_msg(contains(text, "certificate verify failed: self"), "%s", text.c_str());
}
END_TEST

START_TEST(ca_file_may_pin_the_server_certificate) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::PeerInfo info = connect_ok(ca_file_settings(c.other_ca, "other.example.test"), c.other);
  ck_assert(info.verified);
  // Not self-signed: trusted as it is, without the CA above it.
  info = connect_ok(ca_file_settings(c.mx_cert, "mx.example.test"), c.mx);
  ck_assert_msg(info.verified, "%s", info.verify_note.c_str());
}
END_TEST

START_TEST(ca_file_that_cannot_be_loaded_is_a_temporary_error) {
  Certs c = make_certs();
  int sv[2];
  ck_assert_int_eq(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  std::string missing = c.dir + "/missing.pem";
  auto t = tls::connect_tls(ca_file_settings(missing, "mx.example.test"), sv[0], 1, nullptr);
  ck_assert(!t.ok());
  ck_assert(t.error().temporary());
  std::string text = t.error().text();
  std::string want = "unable to load CA file " + missing + ": No such file or directory";
  ck_assert_str_eq(text.c_str(), want.c_str());

  std::string junk = c.dir + "/junk.pem";
  check_tmp::write_file(junk, "not a certificate\n");
  t = tls::connect_tls(ca_file_settings(junk, "mx.example.test"), sv[0], 1, nullptr);
  ck_assert(!t.ok());
  text = t.error().text();
  want = "unable to load CA file " + junk + ": ";
  ck_assert_msg(text.rfind(want, 0) == 0 && text.size() > want.size(), "%s", text.c_str());
  ::close(sv[0]);
  ::close(sv[1]);
}
END_TEST

START_TEST(system_ca_uses_the_default_paths) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ClientSettings s;
  s.verify = tls::Verify::kSystemCa;
  s.names = {"mx.example.test"};
  // The system's store does not know the test CA...
  std::string text = connect_fails(s, c.mx, nullptr);
  ck_assert_msg(contains(text, "certificate verify failed: "), "%s", text.c_str());
  // ...but OpenSSL's default paths honour SSL_CERT_FILE.
  ck_assert_int_eq(::setenv("SSL_CERT_FILE", c.ca.c_str(), 1), 0);
  tls::PeerInfo info = connect_ok(s, c.mx);
  ck_assert(info.verified);
  s.verify = tls::Verify::kNone;  // reports what kSystemCa would find
  info = connect_ok(s, c.mx);
  ck_assert(info.verified);
  ::unsetenv("SSL_CERT_FILE");
}
END_TEST

START_TEST(fingerprint_that_matches_connects) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ClientSettings s;
  s.verify = tls::Verify::kFingerprint;
  std::string colons;
  for (std::size_t i = 0; i < c.other_fingerprint.size(); i += 2)
    colons += (i ? ":" : "") + c.other_fingerprint.substr(i, 2);
  for (char& ch : colons) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  s.fingerprints = {"not a fingerprint", std::string(64, '0'), colons};
  tls::PeerInfo info = connect_ok(s, c.other);
  ck_assert(info.verified);
  ck_assert_str_eq(info.fingerprint.c_str(), c.other_fingerprint.c_str());
}
END_TEST

START_TEST(fingerprint_that_does_not_match_fails) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ClientSettings s;
  s.verify = tls::Verify::kFingerprint;
  s.fingerprints = {c.other_fingerprint};
  tls::PeerInfo info;
  std::string text = connect_fails(s, c.mx, &info);
  ck_assert_str_eq(text.c_str(), "TLS certificate check failed: fingerprint does not match");
  ck_assert(!info.verified);
  ck_assert_str_eq(info.fingerprint.c_str(), c.mx_fingerprint.c_str());
}
END_TEST

START_TEST(sni_and_tls12_ciphers_are_sent) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  struct {
    const char* sni;
    const char* seen;
  } const cases[] = {{"mx.example.test.", "mx.example.test"}, {"192.0.2.1", "-"}, {"", "-"}};
  for (const auto& k : cases) {
    int fd = -1;
    pid_t pid = start_server(Server::kRawSni, c.mx, &fd);
    tls::ClientSettings s;
    s.sni = k.sni;
    s.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
    tls::PeerInfo info;
    auto t = tls::connect_tls(s, fd, kTimeout, &info);
    if (!t) ck_abort_msg("connect_tls: %s", t.error().text().c_str());
    ck_assert_str_eq(info.protocol.c_str(), "TLSv1.2");
    ck_assert_str_eq(info.cipher.c_str(), "ECDHE-ECDSA-AES128-GCM-SHA256");
    std::string line = read_line(**t);
    std::string want = std::string(k.seen) + "\r\n";
    ck_assert_str_eq(line.c_str(), want.c_str());
    t->reset();
    ::close(fd);
    ck_assert_int_eq(wait_server(pid), 0);
  }
}
END_TEST

START_TEST(bad_cipher_list_is_an_error) {
  int sv[2];
  ck_assert_int_eq(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  tls::ClientSettings s;
  s.ciphers = "NO-SUCH-CIPHER";
  auto t = tls::connect_tls(s, sv[0], 1, nullptr);
  ck_assert(!t.ok());
  ck_assert_msg(contains(t.error().text(), "NO-SUCH-CIPHER"), "%s", t.error().text().c_str());
  ::close(sv[0]);
  ::close(sv[1]);
}
END_TEST

START_TEST(client_certificate_is_loaded_or_reported) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  tls::ClientSettings s;
  s.cert_file = c.other;
  connect_ok(s, c.mx);  // the server asks for none; loading it must work

  int sv[2];
  ck_assert_int_eq(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  s.cert_file = c.dir + "/missing.pem";
  auto t = tls::connect_tls(s, sv[0], 1, nullptr);
  ck_assert(!t.ok());
  std::string text = t.error().text();
  std::string want = "unable to read " + s.cert_file + ": No such file or directory";
  ck_assert_str_eq(text.c_str(), want.c_str());
  s.cert_file = c.other_ca;  // no key
  t = tls::connect_tls(s, sv[0], 1, nullptr);
  ck_assert(!t.ok());
  ck_assert_msg(contains(t.error().text(), "private key"), "%s", t.error().text().c_str());
  ::close(sv[0]);
  ::close(sv[1]);
}
END_TEST

START_TEST(silent_server_times_out_the_handshake) {
  Certs c = make_certs();
  int fd = -1;
  pid_t pid = start_server(Server::kSilent, c.mx, &fd);
  long long start = now_ms();
  tls::PeerInfo info;
  auto t = tls::connect_tls(tls::ClientSettings{}, fd, 1, &info);
  long long took = now_ms() - start;
  ck_assert(!t.ok());
  ck_assert(t.error().temporary());
  ck_assert_int_eq(t.error().errnum, ETIMEDOUT);
  ck_assert_msg(took >= 900 && took < 2500, "took %lld ms", took);
  ck_assert(info.protocol.empty());
  ::kill(pid, SIGKILL);
  ck_assert_int_eq(wait_server(pid), -1);
  ::close(fd);
}
END_TEST

START_TEST(plain_text_server_fails_the_handshake) {
  ::signal(SIGPIPE, SIG_IGN);
  Certs c = make_certs();
  int fd = -1;
  pid_t pid = start_server(Server::kPlain, c.mx, &fd);
  auto t = tls::connect_tls(tls::ClientSettings{}, fd, kTimeout, nullptr);
  ck_assert(!t.ok());
  ck_assert(t.error().temporary());
  std::string text = t.error().text();
  ck_assert_msg(text.rfind("TLS handshake failed", 0) == 0, "%s", text.c_str());
  ::close(fd);
  ck_assert_int_eq(wait_server(pid), 0);
}
END_TEST

START_TEST(normalize_fingerprint_accepts_both_spellings) {
  const std::string hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  std::string got = tls::normalize_fingerprint(hex);
  ck_assert_str_eq(got.c_str(), hex.c_str());
  got = tls::normalize_fingerprint(
      "00112233445566778899AABBCCDDEEFF00112233445566778899AaBbCcDdEeFf");
  ck_assert_str_eq(got.c_str(), hex.c_str());
  got = tls::normalize_fingerprint(
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff");
  ck_assert_str_eq(got.c_str(), hex.c_str());
}
END_TEST

START_TEST(normalize_fingerprint_rejects_anything_else) {
  const char* const bad[] = {
      "",
      "0011",
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeef",    // 63 digits
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0",  // 65
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeefg",   // not hex
      " 00112233445566778899aabbccddeeff00112233445566778899aabbccddeef",
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee",  // 31 pairs
      "001:1:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",  // a colon out of place
      "da39a3ee5e6b4b0d3255bfef95601890afd80709",         // SHA-1
  };
  for (const char* b : bad) {
    std::string got = tls::normalize_fingerprint(b);
    ck_assert_msg(got.empty(), "\"%s\" gave \"%s\"", b, got.c_str());
  }
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("tls_client");
  TCase* tc = tcase_create("connect_tls");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, none_accepts_a_self_signed_certificate_and_reports_it);
  tcase_add_test(tc, none_reports_an_unknown_ca);
  tcase_add_test(tc, ca_file_with_the_right_ca_and_name_verifies);
  tcase_add_test(tc, ca_file_accepts_any_of_the_names);
  tcase_add_test(tc, ca_file_with_a_wrong_name_fails);
  tcase_add_test(tc, ca_file_without_a_name_fails);
  tcase_add_test(tc, ca_file_with_another_ca_fails);
  tcase_add_test(tc, ca_file_may_pin_the_server_certificate);
  tcase_add_test(tc, ca_file_that_cannot_be_loaded_is_a_temporary_error);
  tcase_add_test(tc, system_ca_uses_the_default_paths);
  tcase_add_test(tc, fingerprint_that_matches_connects);
  tcase_add_test(tc, fingerprint_that_does_not_match_fails);
  tcase_add_test(tc, sni_and_tls12_ciphers_are_sent);
  tcase_add_test(tc, bad_cipher_list_is_an_error);
  tcase_add_test(tc, client_certificate_is_loaded_or_reported);
  tcase_add_test(tc, silent_server_times_out_the_handshake);
  tcase_add_test(tc, plain_text_server_fails_the_handshake);
  suite_add_tcase(s, tc);
  tc = tcase_create("normalize_fingerprint");
  tcase_add_test(tc, normalize_fingerprint_accepts_both_spellings);
  tcase_add_test(tc, normalize_fingerprint_rejects_anything_else);
  suite_add_tcase(s, tc);
  return s;
}
