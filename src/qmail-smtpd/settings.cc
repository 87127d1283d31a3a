#include "settings.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>

#include "base/auto.h"
#include "base/str.h"

namespace qmail::smtpd {

namespace {

std::string env_or(const char* name, std::string_view fallback) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string(fallback);
}

// Control files that may be missing read as empty; any other trouble is
// temporary, and the connection gets 421 rather than a wrong answer.
Result<control::StringSet> read_set(const std::string& path) {
  auto lines = control::read_lines(path);
  if (!lines) return lines.error();
  return control::StringSet(*lines);
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

Result<Config> load_config(int argc, char** argv) {
  Config c;
  auto me = control::read_line("control/me");
  if (!me) return me.error();
  auto greeting = control::read_line("control/smtpgreeting");
  if (!greeting) return greeting.error();
  if (*greeting && !(*greeting)->empty())
    c.greeting = **greeting;
  else if (*me && !(*me)->empty())
    c.greeting = **me;
  else
    return temp_error("control/me and control/smtpgreeting are both missing");
  c.hostname = c.greeting.substr(0, c.greeting.find_first_of(" \t"));
  std::string me_or_host = (*me && !(*me)->empty()) ? **me : c.hostname;
  auto lih = control::read_line_or("control/localiphost", me_or_host);
  if (!lih) return lih.error();
  c.localiphost = *lih;

  auto rh = control::read_lines("control/rcpthosts");
  if (!rh) return rh.error();
  if (::access("control/rcpthosts", F_OK) == 0) c.rcpthosts = control::StringSet(*rh);
  auto mrh = control::Cdb::open("control/morercpthosts.cdb");
  if (mrh)
    c.morercpthosts = std::move(*mrh);
  else if (mrh.error().errnum != ENOENT)
    return mrh.error();
  if (const char* rc = std::getenv("RELAYCLIENT")) c.relayclient = rc;

  auto bmf = read_set("control/badmailfrom");
  if (!bmf) return bmf.error();
  c.badmailfrom = std::move(*bmf);
  auto brt = read_set("control/badrcptto");
  if (!brt) return brt.error();
  c.badrcptto = std::move(*brt);
  auto rm = control::RecipientMap::open("control/recipients.cdb");
  if (!rm) return rm.error();
  c.recipients = std::move(*rm);
  if (const char* rcx = std::getenv("RCPTCHECK")) {
    c.rcptcheck = split_words(rcx);
  } else {
    auto rcl = control::read_line("control/rcptcheck");
    if (!rcl) return rcl.error();
    if (*rcl) c.rcptcheck = split_words(**rcl);
  }

  auto db = control::read_number("control/databytes", 0);
  if (!db) return db.error();
  c.databytes = *db;
  if (const char* d = std::getenv("DATABYTES")) {
    if (auto v = scan_u64(d)) c.databytes = *v;
  }
  auto mr = control::read_number("control/maxrcpt", 1000);
  if (!mr) return mr.error();
  // 0 asks for no limit, but what one session holds must stay bounded:
  // 100,000 paths of at most 256 bytes
  c.max_recipients = static_cast<unsigned>(
      *mr == 0 ? kMaxRecipientsCeiling : std::min<std::uint64_t>(*mr, kMaxRecipientsCeiling));
  auto to = control::read_number("control/timeoutsmtpd", 1200);
  if (!to) return to.error();
  c.timeout = static_cast<unsigned>(std::min<std::uint64_t>(*to == 0 ? 1 : *to, 86400));

#ifdef QM_HAVE_TLS
  c.tls_available = ::access(c.cert_file.c_str(), R_OK) == 0;
#endif
  auto ciphers = control::read_line_or("control/tlsserverciphers", "");
  if (!ciphers) return ciphers.error();
  c.ciphers = env_or("TLSCIPHERS", *ciphers);
  for (int i = 1; i < argc; ++i) c.checkpassword.emplace_back(argv[i]);
  auto ac = control::read_number("control/authcleartext", 0);
  if (!ac) return ac.error();
  c.auth_cleartext = *ac != 0;
  c.auth_required = !env_or("AUTHREQUIRED", "").empty();
  c.smtps = !env_or("SMTPS", "").empty();

  c.remote_ip = env_or("TCPREMOTEIP", "unknown");
  if (c.remote_ip.empty()) c.remote_ip = "unknown";
  c.remote_host = env_or("TCPREMOTEHOST", "");
  c.remote_info = env_or("TCPREMOTEINFO", "");
  c.local_host = env_or("TCPLOCALHOST", me_or_host);
  if (c.local_host.empty()) c.local_host = me_or_host;
  return c;
}

}  // namespace qmail::smtpd
