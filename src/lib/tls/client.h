// client.h: the client side of STARTTLS (RFC 3207) for qmail-remote.  After the
// server answers 220 to STARTTLS, qmail-remote calls connect_tls() on the socket
// and carries on the SMTP session through the returned stream (the TlsStream of
// server.h: the same reads, writes and deadlines).
// How the server's certificate is checked is the caller's policy
// (control/tlsdestinations): not at all (opportunistic TLS, RFC 7435), against
// the system's CA store, against one pinned CA, or by the SHA-256 fingerprint of
// the certificate.  The outcome is reported either way, for the log line; the
// handshake fails only when the chosen check fails.
// Trust: the settings come from control files; everything from the server is
// untrusted and parsed by OpenSSL; every wait has a deadline.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tls/fingerprint.h"
#include "tls/server.h"

namespace qmail::tls {

enum class Verify {
  kNone,         // encrypt, accept any certificate (the check is still made and reported)
  kSystemCa,     // a chain to the system's trusted CAs, and a matching name
  kCaFile,       // a chain to a certificate in ca_file only (which need not be a root:
                 // an intermediate or the server's own certificate pins it), and a name
  kFingerprint,  // the SHA-256 of the server certificate (DER) is one of `fingerprints`;
                 // neither the chain nor the names are looked at
};

struct ClientSettings {
  Verify verify = Verify::kNone;
  std::string ca_file;                    // kCaFile: PEM with one or more CA certificates
  std::vector<std::string> fingerprints;  // kFingerprint: see normalize_fingerprint()
  // kSystemCa/kCaFile: the DNS names the certificate may match, any one of them
  // (e.g. the MX host and the recipient domain).  IP literals and malformed names
  // are skipped; with none left the check fails.
  std::vector<std::string> names;
  std::string sni;        // server name indication ("" = none; an IP literal is not sent)
  std::string ciphers;    // OpenSSL cipher list for TLS 1.2 ("" = OpenSSL's default)
  std::string cert_file;  // optional client certificate chain and key (PEM)
};

/// What the handshake found, for the log line and the report.
struct PeerInfo {
  std::string protocol;     // e.g. "TLSv1.3"
  std::string cipher;       // e.g. "TLS_AES_256_GCM_SHA384"
  bool verified = false;    // the certificate passed the check `verify` asked for
                            // (kNone: whether it would pass kSystemCa for `names`)
  std::string verify_note;  // why not, e.g. "certificate has expired", "no name matches
                            // example.com", "fingerprint does not match"; "" when verified
  std::string subject;      // the certificate's subject CN or first DNS name, printable ASCII
                            // ('?' for anything else), at most 255 bytes
  std::string fingerprint;  // SHA-256 of the certificate, 64 lower-case hex digits
};

/// Client handshake on `fd` (not owned; non-blocking while the stream lives),
/// all within `timeout_seconds` (0: no limit).  TLS 1.2 is the minimum; no session
/// state is kept; renegotiation and compression are off.  With kSystemCa, kCaFile
/// or kFingerprint a certificate that fails the check is a temporary error naming
/// the reason ("TLS certificate check failed: certificate verify failed: unable to
/// get local issuer certificate", "...: no name matches example.com", "...:
/// fingerprint does not match"), and nothing more is sent on `fd`.  A handshake
/// failure is a temporary "TLS handshake failed: ..." (a timeout carries
/// ETIMEDOUT); so are settings that cannot be loaded ("unable to load CA file
/// <path>: <reason>", "unable to read <cert_file>: ...").  `info` (when not null)
/// is filled as far as the handshake got.
Result<std::unique_ptr<TlsStream>> connect_tls(const ClientSettings& settings, int fd,
                                               unsigned timeout_seconds, PeerInfo* info);

}  // namespace qmail::tls
