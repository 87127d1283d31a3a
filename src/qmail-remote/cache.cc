#include "qmail-remote/cache.h"

#include "base/str.h"

namespace qmail::remote {

namespace {
// QUIT on a connection being closed is sent, not waited for: this long at most.
constexpr unsigned kQuitWrite = 2;
}  // namespace

std::unique_ptr<Connection> ConnectionCache::take(const std::string& key, Clock::time_point now) {
  expire(now);
  for (auto it = open_.begin(); it != open_.end(); ++it)
    if ((*it)->key == key) {
      auto c = std::move(*it);
      open_.erase(it);
      return c;
    }
  return nullptr;
}

void ConnectionCache::put(std::unique_ptr<Connection> c, Clock::time_point now) {
  if (!c) return;
  if (c->messages >= kMaxMessages || now - c->opened >= kMaxAge) {
    close(*c);
    return;
  }
  c->last_used = now;
  // one connection per key: a second one (two jobs at once) replaces nothing, it is closed
  for (const auto& o : open_)
    if (o->key == c->key) {
      close(*c);
      return;
    }
  if (open_.size() >= kMaxOpen) {
    close(*open_.front());
    open_.erase(open_.begin());
  }
  open_.push_back(std::move(c));
}

void ConnectionCache::expire(Clock::time_point now) {
  for (auto it = open_.begin(); it != open_.end();) {
    if (now - (*it)->last_used >= kIdle) {
      close(**it);
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
}

int ConnectionCache::next_expiry_ms(Clock::time_point now) const {
  int best = -1;
  for (const auto& c : open_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(c->last_used + kIdle - now);
    int ms = left.count() < 0 ? 0 : static_cast<int>(left.count()) + 1;
    if (best == -1 || ms < best) best = ms;
  }
  return best;
}

void ConnectionCache::close_all() {
  for (auto& c : open_) close(*c);
  open_.clear();
}

void ConnectionCache::close(Connection& c) {
  if (!c.stream) return;
  io::Writer quit(*c.stream, kQuitWrite, 64);
  if (quit.put("QUIT\r\n")) (void)quit.flush();
}

std::string connection_settings(const Config& config, const TlsPolicy& tls, const AuthRule* auth) {
  std::string key = config.helohost;
  auto field = [&key](std::string_view s) {
    key.push_back('\0');
    key += s;
  };
  field(fmt_u64(static_cast<unsigned>(tls.level)));
  field(tls.ca_file);
  field(fmt_u64(tls.fingerprints.size()));
  for (const std::string& f : tls.fingerprints) field(f);
  field(config.client_cert);
  field(config.tls_ciphers);
  field(auth ? "auth" : "");
  if (auth) {
    field(auth->user);
    field(auth->password);
  }
  return key;
}

std::string connection_key(const Config& config, std::string_view domain, const Target& target,
                           const TlsPolicy& tls, const AuthRule* auth) {
  std::string key(tls.checks_names() ? domain : std::string_view());
  auto field = [&key](std::string_view s) {
    key.push_back('\0');
    key += s;
  };
  field(net::format_ip(target.ip));
  field(fmt_u64(target.port));
  field(target.host);
  field(connection_settings(config, tls, auth));
  return key;
}

}  // namespace qmail::remote
