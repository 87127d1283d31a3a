// tls_none.cc: tls_client.h for a qmail-remote built without OpenSSL.
#include "qmail-remote/tls_client.h"

namespace qmail::remote {

bool tls_available() { return false; }

Result<std::unique_ptr<io::Stream>> start_tls(const Config&, const TlsPolicy&,
                                              const std::vector<std::string>&, const std::string&,
                                              int, unsigned, TlsOutcome& outcome) {
  outcome.summary = "TLS not built in";
  return temp_error("TLS support is not built into qmail-remote");
}

std::string cram_md5_response(std::string_view, std::string_view, std::string_view) { return ""; }

}  // namespace qmail::remote
