// tls_client.h: the parts of qmail-remote that need OpenSSL, behind a small
// interface: with TLS built (HAVE_TLS) tls_client.cc starts STARTTLS through
// src/lib/tls/client.h and computes CRAM-MD5; without it, tls_none.cc says
// TLS is not available, so destinations that require TLS are deferred and
// AUTH is never sent.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "io/stream.h"
#include "qmail-remote/settings.h"

namespace qmail::remote {

/// True when this qmail-remote was built with TLS.
bool tls_available();

struct TlsOutcome {
  std::string summary;  // for the report: "TLSv1.3 TLS_AES_256_GCM_SHA384, certificate verified"
};

/// The client handshake on `fd` after the server's 220 to STARTTLS, checking
/// the certificate as `policy` says against `names` (the host connected to and
/// the recipient domain).  `sni` is sent when it is a host name.  A temporary
/// error when the handshake or the check fails; `outcome` is filled either way.
Result<std::unique_ptr<io::Stream>> start_tls(const Config& config, const TlsPolicy& policy,
                                              const std::vector<std::string>& names,
                                              const std::string& sni, int fd, unsigned timeout,
                                              TlsOutcome& outcome);

/// The CRAM-MD5 response (RFC 2195) to `challenge` (already base64-decoded):
/// "user hex(HMAC-MD5(password, challenge))"; empty when TLS is not built.
std::string cram_md5_response(std::string_view user, std::string_view password,
                              std::string_view challenge);

}  // namespace qmail::remote
