// client.cc: connect_tls(), the client's handshake over TlsStream (server.cc),
// and the check of the server's certificate that the caller's policy asks for.
// The handshake itself never fails on the certificate (SSL_VERIFY_NONE): the
// outcome is judged afterwards, so that it can be reported for every policy.
#include "tls/client.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>

namespace qmail::tls {

namespace {

// RFC 1035 2.3.4: a name is at most 255 octets on the wire, 253 characters as text.
constexpr std::size_t kMaxDnsName = 253;
// A bound on PeerInfo::subject, which goes into log lines.
constexpr std::size_t kMaxSubject = 255;

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

/// `name` as a DNS host name for SNI and for the certificate check, without its
/// trailing dot (RFC 6066 3: none in SNI); "" when it is not one: empty, too
/// long, a character other than letters, digits, '-', '_' and '.', an empty
/// label, or an all-numeric last label, which also rules out IPv4 literals
/// (RFC 3696 2: no top-level domain is all-numeric; IPv6 has ':').
std::string dns_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxDnsName) return "";
  bool label_empty = true;
  bool label_numeric = true;
  for (char c : name) {
    if (c == '.') {
      if (label_empty) return "";
      label_empty = true;
      label_numeric = true;
      continue;
    }
    bool digit = c >= '0' && c <= '9';
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!digit && !alpha && c != '-' && c != '_') return "";
    label_empty = false;
    label_numeric = label_numeric && digit;
  }
  if (label_empty || label_numeric) return "";
  return std::string(name);
}

/// The usable names of `settings.names` (see dns_name()).
std::vector<std::string> names_to_check(const ClientSettings& settings) {
  std::vector<std::string> out;
  for (const auto& n : settings.names)
    if (std::string d = dns_name(n); !d.empty()) out.push_back(std::move(d));
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// An ASN.1 string from the certificate as printable ASCII for the log: other
/// bytes (also UTF-8 sequences) become '?', and at most kMaxSubject are kept.
std::string printable(const ASN1_STRING* s) {
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, s);
  std::string out;
  for (int i = 0; i < n && out.size() < kMaxSubject; ++i)
    out += utf8[i] >= 0x20 && utf8[i] < 0x7f ? static_cast<char>(utf8[i]) : '?';
  OPENSSL_free(utf8);
  return out;
}

/// The subject's (last, most specific) CN, or else the first DNS name.
std::string subject_of(X509* cert) {
  const X509_NAME* name = X509_get_subject_name(cert);
  int last = -1;
  for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0;) last = i;
  if (last >= 0) return printable(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
  std::string out;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(sans, i);
    if (g->type == GEN_DNS) {
      out = printable(g->d.dNSName);
      break;
    }
  }
  GENERAL_NAMES_free(sans);
  return out;
}

/// SHA-256 of the certificate's DER, 64 lower-case hex digits ("" on failure).
std::string fingerprint_of(const X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

X509Ptr peer_certificate(const SSL* ssl) {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  return X509Ptr(SSL_get1_peer_certificate(ssl));
#else
  return X509Ptr(SSL_get_peer_certificate(ssl));
#endif
}

/// The outcome of the certificate check.
struct Check {
  bool verified = false;
  std::string note;    // PeerInfo::verify_note
  std::string reason;  // for "TLS certificate check failed: <reason>"
};

Check passed() { return {true, "", ""}; }

Check failed(std::string note, std::string reason = {}) {
  if (reason.empty()) reason = note;
  return {false, std::move(note), std::move(reason)};
}

/// Judges the certificate `cert` (null: none came) of the finished handshake
/// `ssl` by `settings.verify`.  For all but kFingerprint OpenSSL has already
/// checked the chain and the names (set up by ClientHandshake::set_trust()).
Check judge(const ClientSettings& settings, const SSL* ssl, const X509* cert,
            const std::string& fingerprint) {
  if (!cert) return failed("no certificate", "the server sent no certificate");
  if (settings.verify == Verify::kFingerprint) {
    for (const auto& f : settings.fingerprints)
      if (std::string n = normalize_fingerprint(f); !n.empty() && n == fingerprint) return passed();
    return failed("fingerprint does not match");
  }
  std::vector<std::string> names = names_to_check(settings);
  if (names.empty()) return failed("no name to check", "no name to check the certificate against");
  long r = SSL_get_verify_result(ssl);
  if (r == X509_V_OK) return passed();
  if (r == X509_V_ERR_HOSTNAME_MISMATCH) return failed("no name matches " + join(names));
  std::string why = X509_verify_cert_error_string(r);
  return failed(why, "certificate verify failed: " + why);
}

}  // namespace

// connect_tls()'s steps; TlsStream (server.h) lets this class use its private parts.
class ClientHandshake {
 public:
  static Result<std::unique_ptr<TlsStream>> run(const ClientSettings& settings, int fd,
                                                unsigned timeout_seconds, PeerInfo* info);

 private:
  static Result<CtxPtr> make_context(const ClientSettings& settings);
  static Status set_trust(SSL_CTX* c, const ClientSettings& settings);
  static void describe(const TlsStream& t, PeerInfo& info);
};

/// A client context: TLS 1.2 or later, no state kept, the optional client
/// certificate, and what the check of the server's certificate needs.
Result<CtxPtr> ClientHandshake::make_context(const ClientSettings& s) {
  ERR_clear_error();
  CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx)
    return temp_error("unable to create TLS context: " + TlsStream::take_openssl_error("unknown"));
  SSL_CTX* c = ctx.get();
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1)
    return temp_error("unable to require TLS 1.2: " + TlsStream::take_openssl_error("unknown"));
  // One process per delivery: no session is resumed, so none is kept.
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_clear_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE);  // see TlsStream::write_all
  // Judged after the handshake (judge()), so that kNone can report it too.
  SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
  if (!s.ciphers.empty() && SSL_CTX_set_cipher_list(c, s.ciphers.c_str()) != 1)
    return temp_error("unable to use the TLS ciphers \"" + s.ciphers +
                      "\": " + TlsStream::take_openssl_error("no cipher matched"));
  if (!s.cert_file.empty())
    if (auto st = TlsStream::load_key_pair(c, s.cert_file, ""); !st) return st.error();
  if (auto st = set_trust(c, s); !st) return st.error();
  return ctx;
}

/// Loads the trusted CAs for `settings.verify` and has OpenSSL check the names
/// too, so that SSL_get_verify_result() covers both.  kNone loads the system's
/// CAs as kSystemCa does, to report what that would have found.
Status ClientHandshake::set_trust(SSL_CTX* c, const ClientSettings& s) {
  if (s.verify == Verify::kFingerprint) return {};
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(c);
  if (s.verify == Verify::kCaFile) {
    // A clear errno for the common mistakes, before OpenSSL's vaguer reasons.
    int fd = ::open(s.ca_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return sys_error("unable to load CA file " + s.ca_file);
    ::close(fd);
    if (SSL_CTX_load_verify_locations(c, s.ca_file.c_str(), nullptr) != 1)
      return temp_error("unable to load CA file " + s.ca_file + ": " +
                        TlsStream::take_openssl_error("no certificate in the file"));
    // The administrator chose these anchors: an intermediate CA (or the server's
    // own certificate) in the file is trusted without a root above it.
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  } else if (SSL_CTX_set_default_verify_paths(c) != 1) {
    std::string why = TlsStream::take_openssl_error("unknown");
    if (s.verify == Verify::kSystemCa)
      return temp_error("unable to load the system's CA certificates: " + why);
  }
  // RFC 6125 6.4.3: a wildcard only as a whole left-most label.
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  bool first = true;
  for (const auto& name : names_to_check(s)) {
    int ok = first ? X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size())
                   : X509_VERIFY_PARAM_add1_host(param, name.c_str(), name.size());
    if (ok != 1)
      return temp_error("unable to check the name " + name + ": " +
                        TlsStream::take_openssl_error("unknown"));
    first = false;
  }
  return {};
}

/// Fills `info` as far as the handshake got.
void ClientHandshake::describe(const TlsStream& t, PeerInfo& info) {
  if (SSL_is_init_finished(t.ssl_)) {
    info.protocol = t.protocol();
    info.cipher = t.cipher();
  }
  if (X509Ptr cert = peer_certificate(t.ssl_)) {
    info.subject = subject_of(cert.get());
    info.fingerprint = fingerprint_of(cert.get());
  }
}

Result<std::unique_ptr<TlsStream>> ClientHandshake::run(const ClientSettings& settings, int fd,
                                                        unsigned timeout_seconds, PeerInfo* info) {
  long long deadline = TlsStream::deadline_after(timeout_seconds);
  PeerInfo scratch;
  PeerInfo& out = info ? *info : scratch;
  out = PeerInfo{};
  auto ctx = make_context(settings);
  ERR_clear_error();
  if (!ctx) return ctx.error();
  auto t = TlsStream::start(ctx->release(), fd, fd);
  if (!t) return t;
  TlsStream& s = **t;
  if (std::string sni = dns_name(settings.sni); !sni.empty())
    if (SSL_set_tlsext_host_name(s.ssl_, sni.c_str()) != 1)
      return temp_error("unable to set the TLS server name " + sni + ": " +
                        TlsStream::take_openssl_error("unknown"));
  auto shaken = s.handshake(true, deadline);
  describe(s, out);
  ERR_clear_error();
  if (!shaken) return shaken.error();

  X509Ptr cert = peer_certificate(s.ssl_);
  Check check = judge(settings, s.ssl_, cert.get(), out.fingerprint);
  out.verified = check.verified;
  out.verify_note = check.note;
  if (!check.verified && settings.verify != Verify::kNone) {
    s.failed_ = true;  // send nothing more, not even close_notify
    return temp_error("TLS certificate check failed: " + check.reason);
  }
  return t;
}

Result<std::unique_ptr<TlsStream>> connect_tls(const ClientSettings& settings, int fd,
                                               unsigned timeout_seconds, PeerInfo* info) {
  return ClientHandshake::run(settings, fd, timeout_seconds, info);
}

}  // namespace qmail::tls
