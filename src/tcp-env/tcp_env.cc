#include "tcp_env.h"

#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/exit_code.h"
#include "base/str.h"
#include "ident.h"
#include "io/writer.h"
#include "sys/process.h"
#include "sys/sig.h"

namespace qmail::tcpenv {

namespace {
// every variable tcp-environ(5) describes, apart from PROTO
constexpr const char* kTcpVariables[] = {
    "TCPLOCALIP",    "TCPLOCALPORT",  "TCPLOCALHOST",  "TCPREMOTEIP",
    "TCPREMOTEPORT", "TCPREMOTEHOST", "TCPREMOTEINFO",
};

Error usage() { return perm_error(std::string(kUsage)); }

/// The value of the option letter at args[i][pos]: the rest of the word
/// ("-t5") or the next word ("-t 5"), advancing i past what it used.
std::optional<std::string> option_value(const std::vector<std::string>& args, std::size_t& i,
                                        std::size_t pos) {
  const std::string& word = args[i];
  if (pos + 1 < word.size()) return word.substr(pos + 1);
  if (i + 1 >= args.size()) return std::nullopt;
  ++i;
  return args[i];
}

std::optional<std::string> reverse_name(const net::IpAddress& ip) {
  sockaddr_storage ss;
  socklen_t len = net::to_sockaddr(ip, 0, ss);
  if (len == 0) return std::nullopt;
  char host[NI_MAXHOST];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, nullptr, 0,
                    NI_NAMEREQD) != 0)
    return std::nullopt;
  return safe_host_name(host);
}

/// What getsockname and getpeername say about descriptor 0.
Facts inspect_stdin() {
  Facts f;
  int type = 0;
  socklen_t tlen = sizeof type;
  if (::getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &tlen) == -1 || type != SOCK_STREAM) return f;
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (::getsockname(0, reinterpret_cast<sockaddr*>(&ss), &len) == -1) return f;
  auto local = net::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len, &f.local_port);
  len = sizeof ss;
  if (!local || ::getpeername(0, reinterpret_cast<sockaddr*>(&ss), &len) == -1) return f;
  auto remote = net::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len, &f.remote_port);
  if (!remote) return f;
  f.local_ip = *local;
  f.remote_ip = *remote;
  f.tcp = true;
  return f;
}

/// False when the environment cannot grow (setenv fails only for lack of
/// memory when the name is valid).
bool apply(const std::vector<EnvChange>& plan) {
  for (const auto& [name, value] : plan) {
    int rc = value ? ::setenv(name.c_str(), value->c_str(), 1) : ::unsetenv(name.c_str());
    if (rc == -1) return false;
  }
  return true;
}

int fatal(std::string_view what) {
  std::string line = "tcp-env: fatal: ";
  line.append(what);
  line.push_back('\n');
  (void)io::write_all(2, line);
  return as_int(ToolExit::kTemporary);
}
}  // namespace

Result<Options> parse_args(const std::vector<std::string>& args) {
  Options o;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& w = args[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w.size() < 2 || w[0] != '-') break;
    for (std::size_t pos = 1; pos < w.size(); ++pos) {
      char c = w[pos];
      if (c == 'r' || c == 'R') {
        o.remote_info = c == 'r';
        continue;
      }
      if (c != 't' && c != 'i' && c != 'p' && c != 'l') return usage();
      auto v = option_value(args, i, pos);
      if (!v) return usage();
      if (c == 't') {
        auto n = scan_u64(*v);
        if (!n || *n > 3600) return usage();
        o.ident_timeout = static_cast<unsigned>(*n);
      } else if (c == 'i') {
        o.local_ip = net::parse_ip(*v);
        if (!o.local_ip) return usage();
      } else if (c == 'p') {
        auto n = scan_u64(*v);
        if (!n || *n > 65535) return usage();
        o.local_port = static_cast<std::uint16_t>(*n);
      } else {
        o.local_host = *v;
      }
      break;  // the value used the rest of this word, or the next one
    }
  }
  if (i >= args.size()) return usage();
  o.program.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return o;
}

std::optional<std::string> safe_host_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxHostName) return std::nullopt;
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return std::nullopt;
    out.push_back(ascii_lower(c));
  }
  return out;
}

std::string safe_remote_info(std::string_view info) {
  std::string out(info);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return out;
}

std::vector<EnvChange> plan_environment(const Options& opts, const Facts& facts) {
  std::vector<EnvChange> plan;
  if (facts.tcp) {
    plan.emplace_back("PROTO", "TCP");
    plan.emplace_back("TCPLOCALIP", net::format_ip(facts.local_ip));
    plan.emplace_back("TCPLOCALPORT", fmt_u64(facts.local_port));
    plan.emplace_back("TCPLOCALHOST", facts.local_host);
    plan.emplace_back("TCPREMOTEIP", net::format_ip(facts.remote_ip));
    plan.emplace_back("TCPREMOTEPORT", fmt_u64(facts.remote_port));
    plan.emplace_back("TCPREMOTEHOST", facts.remote_host);
    plan.emplace_back("TCPREMOTEINFO", facts.remote_info);
  } else if (!facts.inherited) {
    // nothing to describe: what a parent left would describe another connection
    for (const char* v : kTcpVariables) plan.emplace_back(v, std::nullopt);
  }
  if (opts.local_ip) {
    plan.emplace_back("TCPLOCALIP", net::format_ip(*opts.local_ip));
    if (!opts.local_host) plan.emplace_back("TCPLOCALHOST", facts.local_host);
  }
  if (opts.local_port) plan.emplace_back("TCPLOCALPORT", fmt_u64(*opts.local_port));
  if (opts.local_host) plan.emplace_back("TCPLOCALHOST", *opts.local_host);
  return plan;
}

int run(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  auto opts = parse_args(args);
  if (!opts) {
    std::string line(opts.error().what);
    line.push_back('\n');
    (void)io::write_all(2, line);
    return as_int(ToolExit::kUsage);
  }

  Facts f;
  const char* proto = std::getenv("PROTO");
  f.inherited = proto != nullptr && std::strcmp(proto, "TCP") == 0;
  if (!f.inherited) f = inspect_stdin();
  if (!opts->local_host) {
    if (opts->local_ip)
      f.local_host = reverse_name(*opts->local_ip);
    else if (f.tcp)
      f.local_host = reverse_name(f.local_ip);
  }
  if (f.tcp) {
    f.remote_host = reverse_name(f.remote_ip);
    if (opts->remote_info) {
      auto info =
          ask_ident(f.local_ip, f.local_port, f.remote_ip, f.remote_port, opts->ident_timeout);
      if (info) f.remote_info = safe_remote_info(*info);
    }
  }
  if (!apply(plan_environment(*opts, f))) return fatal("out of memory");

  // inetd may have left SIGPIPE ignored; the program expects the default
  sys::default_signal(SIGPIPE);
  sys::exec_argv(opts->program);
  int err = errno;
  return fatal("unable to run " + opts->program.front() + ": " + std::strerror(err));
}

}  // namespace qmail::tcpenv
