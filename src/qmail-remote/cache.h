// cache.h: the SMTP connections a qmail-remote worker (--worker) keeps open
// between messages, so that the next message to the same host skips the
// connect, greeting, EHLO, STARTTLS and AUTH.  A connection is reused only by
// a job with the same key: the same address, port and host name, HELO name,
// TLS policy and credentials, and the same destination domain when the
// certificate was checked against its name (so such a check made for one
// domain never carries mail for another).  Connections idle for a few
// seconds, old ones, and ones past their message count are closed with QUIT.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "qmail-remote/session.h"

namespace qmail::remote {

class ConnectionCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kIdle{5};      // unused this long: closed
  static constexpr std::chrono::seconds kMaxAge{300};  // open this long: not reused
  static constexpr unsigned kMaxMessages = 1000;       // transactions on one connection
  static constexpr std::size_t kMaxOpen = 4;           // connections kept at once

  ConnectionCache() = default;
  ConnectionCache(const ConnectionCache&) = delete;
  ConnectionCache& operator=(const ConnectionCache&) = delete;
  ~ConnectionCache() { close_all(); }

  /// The open connection for `key`, removed from the cache; null when none.
  std::unique_ptr<Connection> take(const std::string& key, Clock::time_point now);
  /// Keeps `c` (its key set) unless it is past its age or count; may close the oldest.
  void put(std::unique_ptr<Connection> c, Clock::time_point now);
  /// Closes the connections idle for kIdle or more.
  void expire(Clock::time_point now);
  /// Milliseconds until the next one idles out; -1 when none is open.
  [[nodiscard]] int next_expiry_ms(Clock::time_point now) const;
  [[nodiscard]] std::size_t size() const { return open_.size(); }
  void close_all();

 private:
  static void close(Connection& c);
  std::vector<std::unique_ptr<Connection>> open_;
};

/// The settings a connection is made under (HELO name, TLS policy, client
/// certificate, ciphers, AUTH credentials), as one string.
std::string connection_settings(const Config& config, const TlsPolicy& tls, const AuthRule* auth);

/// The key of a connection for `domain` (ASCII) at `target` under `config`.
/// The domain is part of it only when the certificate is checked against
/// the domain's name (TlsPolicy::checks_names): otherwise a connection made
/// for one domain serves the next domain with the same host and settings.
std::string connection_key(const Config& config, std::string_view domain, const Target& target,
                           const TlsPolicy& tls, const AuthRule* auth);

}  // namespace qmail::remote
