// auth.cc: SMTP AUTH (RFC 4954) in qmail-smtpd: PLAIN, LOGIN and CRAM-MD5,
// checked by the checkpassword program named on the command line.  Offered
// only inside TLS unless control/authcleartext allows it, so passwords do not
// cross the network in clear by default.

#include <unistd.h>

#include <ctime>

#include "base/str.h"
#include "parse/sasl.h"
#include "session.h"
#include "sys/checkpassword.h"

namespace qmail::smtpd {

namespace {
// A client gets a few tries per connection; then it must reconnect, which
// bounds password guessing through one session.
constexpr unsigned kMaxAuthFailures = 3;
constexpr unsigned kCheckpasswordSeconds = 60;
}  // namespace

bool Session::auth_offered() const {
  return !cfg_.checkpassword.empty() && (!tls_.empty() || cfg_.auth_cleartext);
}

bool Session::read_auth_line(std::string& decoded, bool& cancelled) {
  cancelled = false;
  std::string line;
  bool too_long = false;
  if (!read_line(line, too_long)) return false;
  if (too_long) {
    cancelled = true;
    reply("500 5.5.2 line too long");
    return true;
  }
  if (line == "*") {
    cancelled = true;
    reply("501 5.0.0 AUTH cancelled");
    return true;
  }
  auto d = parse::base64_decode(line);
  if (!d) {
    cancelled = true;
    reply("501 5.5.2 cannot decode the response");
    return true;
  }
  decoded = std::move(*d);
  return true;
}

Session::Flow Session::auth(std::string_view arg) {
  if (!auth_offered()) {
    reply(cfg_.checkpassword.empty() || !cfg_.tls_available
              ? "503 5.5.1 AUTH not available"
              : "538 5.7.11 encryption required: use STARTTLS first");
    return Flow::kContinue;
  }
  if (!auth_user_.empty()) {
    reply("503 5.5.1 already authenticated");
    return Flow::kContinue;
  }
  if (tx_.active) {
    reply("503 5.5.1 AUTH not allowed during a mail transaction");
    return Flow::kContinue;
  }
  std::string_view mech_name = arg.substr(0, arg.find(' '));
  std::string_view initial;
  bool has_initial = false;
  if (auto sp = arg.find(' '); sp != std::string_view::npos) {
    initial = trim(arg.substr(sp + 1));
    has_initial = true;
  }
  auto mech = parse::parse_sasl_mechanism(mech_name);
  if (mech == parse::SaslMechanism::kUnknown) {
    reply("504 5.5.4 unrecognized authentication type");
    return Flow::kContinue;
  }

  // RFC 4954 section 4: "=" is an empty initial response
  auto decode_initial = [&](std::string& out) -> bool {
    if (initial == "=") {
      out.clear();
      return true;
    }
    auto d = parse::base64_decode(initial);
    if (!d) {
      reply("501 5.5.2 cannot decode the response");
      return false;
    }
    out = std::move(*d);
    return true;
  };

  std::string user, secret, extra, decoded;
  bool cancelled = false;
  switch (mech) {
    case parse::SaslMechanism::kPlain: {
      if (has_initial) {
        if (!decode_initial(decoded)) return Flow::kContinue;
      } else {
        reply("334 ");
        if (!read_auth_line(decoded, cancelled)) return Flow::kQuit;
        if (cancelled) return Flow::kContinue;
      }
      auto c = parse::parse_sasl_plain(decoded);
      if (!c) {
        reply("501 5.5.2 malformed PLAIN response");
        return Flow::kContinue;
      }
      user = c->user;
      secret = c->secret;
      break;
    }
    case parse::SaslMechanism::kLogin: {
      if (has_initial) {
        if (!decode_initial(decoded)) return Flow::kContinue;
      } else {
        reply("334 " + parse::base64_encode("Username:"));
        if (!read_auth_line(decoded, cancelled)) return Flow::kQuit;
        if (cancelled) return Flow::kContinue;
      }
      auto u = parse::parse_sasl_login_field(decoded);
      if (!u) {
        reply("501 5.5.2 malformed user name");
        return Flow::kContinue;
      }
      user = *u;
      reply("334 " + parse::base64_encode("Password:"));
      if (!read_auth_line(decoded, cancelled)) return Flow::kQuit;
      if (cancelled) return Flow::kContinue;
      auto p = parse::parse_sasl_login_field(decoded);
      if (!p) {
        reply("501 5.5.2 malformed password");
        return Flow::kContinue;
      }
      secret = *p;
      break;
    }
    case parse::SaslMechanism::kCramMd5: {
      if (has_initial) {
        reply("501 5.5.2 CRAM-MD5 takes no initial response");
        return Flow::kContinue;
      }
      std::string challenge = "<" + fmt_u64(static_cast<std::uint64_t>(::getpid())) + "." +
                              fmt_u64(static_cast<std::uint64_t>(std::time(nullptr))) + "@" +
                              cfg_.hostname + ">";
      reply("334 " + parse::base64_encode(challenge));
      if (!read_auth_line(decoded, cancelled)) return Flow::kQuit;
      if (cancelled) return Flow::kContinue;
      auto c = parse::parse_sasl_cram_md5(decoded);
      if (!c) {
        reply("501 5.5.2 malformed CRAM-MD5 response");
        return Flow::kContinue;
      }
      // the convention of qmail's AUTH patches: user, challenge, digest
      user = c->user;
      secret = challenge;
      extra = c->secret;
      break;
    }
    case parse::SaslMechanism::kUnknown:
      break;
  }

  auto r = sys::run_checkpassword(cfg_.checkpassword, user, secret, extra, kCheckpasswordSeconds);
  if (r && *r == sys::CheckResult::kAccepted) {
    auth_user_ = user;
    reply("235 2.7.0 authentication successful");
    return Flow::kContinue;
  }
  if (!r || *r == sys::CheckResult::kTemporary) {
    reply("454 4.7.0 temporary authentication failure");
    return Flow::kContinue;
  }
  if (++auth_failures_ >= kMaxAuthFailures)
    die("421 4.7.0 " + cfg_.hostname + " too many authentication failures", 1);
  reply("535 5.7.8 authentication failed");
  return Flow::kContinue;
}

}  // namespace qmail::smtpd
