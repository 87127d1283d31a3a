// tcp_env.h: tcp-env(1), which fills the tcp-environ(5) variables from the
// connection on descriptor 0 and runs a program.  main.cc calls run(); the
// unit tests call the pure parts (parse_args, safe_host_name,
// safe_remote_info, plan_environment).  The command line is the
// administrator's; host names from the DNS and the ident reply come from the
// peer's side and are cleaned before they reach the environment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "net/ip.h"

namespace qmail::tcpenv {

/// How long the RFC 1413 query may take in all (connect, ask, answer) unless
/// -t says otherwise.  qmail waited 30 seconds; a mail client that waits that
/// long for its greeting gives up, so we wait a few.
inline constexpr unsigned kDefaultIdentTimeout = 5;
/// Longest host name we put into the environment (RFC 1035 2.3.4: 255 octets
/// on the wire, 253 characters as text).
inline constexpr std::size_t kMaxHostName = 253;

struct Options {
  bool remote_info = true;                        // -r (default) / -R
  unsigned ident_timeout = kDefaultIdentTimeout;  // -t seconds; 0 skips the query
  std::optional<net::IpAddress> local_ip;         // -i: TCPLOCALIP instead of the socket's
  std::optional<std::uint16_t> local_port;        // -p: TCPLOCALPORT instead of the socket's
  std::optional<std::string> local_host;          // -l: TCPLOCALHOST, no DNS lookup
  std::vector<std::string> program;               // program and its arguments
};

inline constexpr std::string_view kUsage =
    "tcp-env: usage: tcp-env [ -rR ] [ -t timeout ] [ -i localip ] [ -p localport ] "
    "[ -l localname ] program [ arg ... ]";

/// The options in `args` (argv without argv[0]).  Options end at the first
/// argument that does not start with '-', or after "--".  A permanent error
/// for an unknown option, a bad value, or a missing program.
Result<Options> parse_args(const std::vector<std::string>& args);

/// `name` lower-cased when it is made of letters, digits, '-', '.' and '_'
/// only and is 1 to kMaxHostName long; nullopt otherwise (the name is dropped
/// rather than mended: a PTR record with other bytes is not a host name).
std::optional<std::string> safe_host_name(std::string_view name);

/// The ident user-id with every byte that is not printable ASCII replaced by '?'.
std::string safe_remote_info(std::string_view info);

/// What tcp-env learned about descriptor 0.
struct Facts {
  bool inherited = false;  // PROTO=TCP was set: the variables are the parent's
  bool tcp = false;        // descriptor 0 is a connected TCP socket
  net::IpAddress local_ip;
  std::uint16_t local_port = 0;
  net::IpAddress remote_ip;
  std::uint16_t remote_port = 0;
  std::optional<std::string> local_host;   // already cleaned
  std::optional<std::string> remote_host;  // already cleaned
  std::optional<std::string> remote_info;  // already cleaned
};

/// One change to the environment: set the variable, or unset it (nullopt).
using EnvChange = std::pair<std::string, std::optional<std::string>>;

/// The changes for `facts`: every tcp-environ variable set (PROTO=TCP), or
/// unset when descriptor 0 is no TCP socket, or left as the parent set them
/// (inherited); then -i (with facts.local_host as its name unless -l), -p and
/// -l on top.
std::vector<EnvChange> plan_environment(const Options& opts, const Facts& facts);

/// tcp-env itself; returns only when it cannot run the program (111), or for a
/// usage error (100), after one line on stderr.
int run(int argc, char** argv);

}  // namespace qmail::tcpenv
