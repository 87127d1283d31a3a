// tls_client.cc: tls_client.h with OpenSSL (src/lib/tls/client.h).
#include "qmail-remote/tls_client.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tls/client.h"

namespace qmail::remote {

bool tls_available() { return true; }

Result<std::unique_ptr<io::Stream>> start_tls(const Config& config, const TlsPolicy& policy,
                                              const std::vector<std::string>& names,
                                              const std::string& sni, int fd, unsigned timeout,
                                              TlsOutcome& outcome) {
  tls::ClientSettings s;
  using Level = TlsPolicy::Level;
  switch (policy.level) {
    case Level::kVerify:
      s.verify = tls::Verify::kSystemCa;
      break;
    case Level::kCa:
      s.verify = tls::Verify::kCaFile;
      s.ca_file = policy.ca_file;
      break;
    case Level::kFingerprint:
      s.verify = tls::Verify::kFingerprint;
      s.fingerprints = policy.fingerprints;
      break;
    default:
      s.verify = tls::Verify::kNone;
      break;
  }
  s.names = names;
  if (!sni.empty() && !net::parse_ip(sni)) s.sni = sni;
  s.ciphers = config.tls_ciphers;
  s.cert_file = config.client_cert;
  tls::PeerInfo info;
  auto stream = tls::connect_tls(s, fd, timeout, &info);
  std::string summary;
  if (!info.protocol.empty()) summary = info.protocol + " " + info.cipher;
  if (!summary.empty()) {
    if (policy.level == Level::kFingerprint)
      summary += info.verified ? ", fingerprint matched" : ", fingerprint did not match";
    else if (info.verified)
      summary += ", certificate verified";
    else
      summary += ", certificate not verified" +
                 (info.verify_note.empty() ? std::string() : " (" + info.verify_note + ")");
  }
  outcome.summary = summary;
  if (!stream) return stream.error();
  return std::unique_ptr<io::Stream>(std::move(*stream));
}

std::string cram_md5_response(std::string_view user, std::string_view password,
                              std::string_view challenge) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_md5(), password.data(), static_cast<int>(password.size()),
            reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size(), mac, &len))
    return "";
  static const char hex[] = "0123456789abcdef";
  std::string out(user);
  out.push_back(' ');
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[mac[i] >> 4]);
    out.push_back(hex[mac[i] & 15]);
  }
  return out;
}

}  // namespace qmail::remote
