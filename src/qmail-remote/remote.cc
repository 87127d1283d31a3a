#include "qmail-remote/remote.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <ctime>

#include "base/auto.h"
#include "base/str.h"
#include "io/writer.h"
#include "net/connect.h"
#include "net/dns.h"
#include "net/idn.h"
#include "net/ipme.h"
#include "net/tcpto.h"
#include "qmail-remote/cache.h"
#include "qmail-remote/session.h"
#include "qmail-remote/settings.h"
#include "qmail-remote/targets.h"
#include "queue/worker.h"

namespace qmail::remote {

std::string report_text(std::string_view text, std::size_t max) {
  std::string out;
  out.reserve(text.size() < max ? text.size() : max);
  for (char c : text) {
    if (out.size() >= max) break;
    out.push_back(c == '\0' ? '?' : c);
  }
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  return out;
}

void Reports::recipient(std::size_t i, char letter, std::string_view text) {
  if (i >= rcpt_.size()) return;
  rcpt_[i].letter = letter;
  rcpt_[i].text = letter == 'r' ? std::string() : report_text(text);
}

bool Reports::any_recipient() const {
  for (const Rcpt& r : rcpt_)
    if (r.letter) return true;
  return false;
}

void Reports::message(char letter, std::string_view text) {
  if (message_letter_) return;  // the first decision stands
  message_letter_ = letter;
  message_text_ = report_text(text);
  if (!any_recipient()) return;
  // one record per recipient or none: the ones not yet reported share the message's fate
  char fill = letter == 'D' ? 'h' : 's';
  for (Rcpt& r : rcpt_)
    if (!r.letter) {
      r.letter = letter == 'K' ? 's' : fill;
      r.text = letter == 'K' ? report_text("No report for this recipient.") : message_text_;
    }
}

std::string Reports::bytes() const {
  std::string out;
  if (any_recipient())
    for (const Rcpt& r : rcpt_) {
      out.push_back(r.letter);
      out += r.text;
      out.push_back('\0');
    }
  out.push_back(message_letter_ ? message_letter_ : 'Z');
  out +=
      message_letter_ ? message_text_ : report_text("qmail-remote reached no decision. (#4.3.0)");
  out.push_back('\0');
  return out;
}

namespace {

std::string decide_now(Reports& reports, char letter, std::string_view text) {
  reports.message(letter, text);
  return reports.bytes();
}

// The message on fd 0: when it is a regular file, scan it once for SIZE= and
// BODY= (it is read again from the start to be sent).
bool scan_message(int fd, parse::MessageScan& scan) {
  struct stat st {};
  if (::fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) return false;
  if (::lseek(fd, 0, SEEK_SET) == -1) return false;
  parse::MessageScanner scanner;
  std::string buf(64 * 1024, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n == -1) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    scanner.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  scan = scanner.result();
  return ::lseek(fd, 0, SEEK_SET) == 0;
}

std::string deliver(const std::vector<std::string>& args, int message_fd, ConnectionCache* cache) {
  std::size_t nrcpt = args.size() > 2 ? args.size() - 2 : 0;
  Reports reports(nrcpt);
  if (args.size() < 3)
    return decide_now(reports, 'D',
                      "qmail-remote was invoked improperly: it takes a host, a sender and at "
                      "least one recipient. (#5.3.5)");
  auto config = load_config();
  if (!config)
    return decide_now(reports, 'Z',
                      "Unable to read the control files: " + config.error().text() + " (#4.3.0)");

  Job job;
  job.config = &*config;
  job.domain = ascii_lower(args[0]);
  auto ascii = net::domain_to_ascii(job.domain);
  if (!ascii)
    return decide_now(reports, 'D',
                      "Sorry, " + job.domain.substr(0, 255) +
                          " is not a valid internationalized domain name. (#5.1.2)");
  job.ascii_domain = ascii_lower(*ascii);
  job.sender = prepare_address(args[1]);
  for (std::size_t i = 2; i < args.size(); ++i) job.recipients.push_back(prepare_address(args[i]));
  job.message_fd = message_fd;
  job.seekable = scan_message(message_fd, job.scan);

  const AuthRule* auth = find_rule(config->auth_rules, job.ascii_domain);
  job.auth = auth;
  job.tls = tls_policy_for(*config, job.ascii_domain, auth != nullptr);

  // where to connect
  net::Resolver resolver(config->resolver);
  std::vector<net::IpAddress> mine;
  bool mine_read = false;
  Lookups lookups;
  lookups.mx = [&](std::string_view d) { return net::lookup_mx(resolver, d); };
  lookups.addresses = [&](std::string_view h) { return net::lookup_addresses(resolver, h); };
  lookups.is_me = [&](const net::IpAddress& ip) {
    if (!mine_read) {
      auto list = net::local_addresses();
      if (list) mine = std::move(*list);
      mine_read = true;
    }
    return net::is_local_address(ip, mine);
  };
  const RouteRule* route = find_rule(config->routes, job.ascii_domain);
  auto targets = targets_for(job.ascii_domain, route, lookups);
  if (!targets)
    return decide_now(reports, targets.error().temporary() ? 'Z' : 'D', targets.error().what);

  net::TcptoTable tcpto("queue/lock/tcpto");
  unsigned jitter = static_cast<unsigned>(::getpid()) & 31;
  std::string last_error;
  bool all_permanent = true;
  bool tried = false;
  // The connection goes back to the cache (when there is one) after a decision.
  auto done = [&](Session& session) {
    if (cache) {
      auto conn = session.take_connection();
      if (conn) {
        conn->key = connection_key(*config, job.ascii_domain, conn->target, job.tls, job.auth);
        cache->put(std::move(conn), ConnectionCache::Clock::now());
      }
    }
    return reports.bytes();
  };
  for (const Target& target : targets->targets) {
    if (cache) {
      std::string key = connection_key(*config, job.ascii_domain, target, job.tls, job.auth);
      if (auto conn = cache->take(key, ConnectionCache::Clock::now())) {
        Session session(job, reports);
        session.keep_open(true);
        if (session.reuse(std::move(conn)) == Session::Outcome::kDecided) return done(session);
        // the connection went stale, nothing was sent: a fresh one below
      }
    }
    std::time_t now = std::time(nullptr);
    bool listed = false;
    if (tcpto.should_skip(target.ip, now, jitter, &listed)) {
      last_error =
          "Skipped " + net::format_ip(target.ip) + ": it timed out recently (see qmail-tcpto).";
      all_permanent = false;
      continue;
    }
    const net::IpAddress& source = target.ip.is_v6() ? config->outgoing_v6 : config->outgoing_v4;
    for (bool plain_only : {false, true}) {
      auto fd = net::tcp_connect(target.ip, target.port, source, config->timeout_connect);
      if (!fd) {
        tcpto.record(target.ip, fd.error().errnum == ETIMEDOUT, std::time(nullptr));
        last_error = "Unable to connect to " + net::format_ip(target.ip) + " port " +
                     fmt_u64(target.port) + ": " + fd.error().text() + ".";
        all_permanent = false;
        break;
      }
      if (listed) tcpto.record(target.ip, false, std::time(nullptr));
      tried = true;
      Session session(job, reports);
      session.keep_open(cache != nullptr);
      if (session.run(target, std::move(*fd), plain_only) == Session::Outcome::kDecided)
        return done(session);
      last_error = session.error();
      if (!session.tls_summary().empty() && last_error.find("TLS") == std::string::npos)
        last_error += "\nTLS: " + session.tls_summary();
      if (!session.permanent()) all_permanent = false;
      // an opportunistic handshake that failed: the same host again, in plain text
      if (!session.tls_failed_softly()) break;
    }
  }
  if (last_error.empty()) last_error = "No mail host of " + job.ascii_domain + " could be tried.";
  if (!targets->note.empty()) last_error += "\n(" + targets->note + ")";
  // Only when every host answered with a permanent refusal is the mail bounced.
  bool permanent = tried && all_permanent;
  return decide_now(reports, permanent ? 'D' : 'Z',
                    last_error + (permanent ? " (#5.4.7)" : " (#4.4.1)"));
}

int run_worker(int sock) {
  ConnectionCache cache;
  for (;;) {
    auto now = ConnectionCache::Clock::now();
    cache.expire(now);
    pollfd p{sock, POLLIN, 0};
    int r = ::poll(&p, 1, cache.next_expiry_ms(now));
    if (r == -1 && errno != EINTR) return 111;
    if (r <= 0) continue;  // a connection to close, or a signal
    auto job = queue::receive_worker_job(sock);
    if (!job) {
      (void)io::write_all(2, "qmail-remote: worker: " + job.error().text() + "\n");
      return 111;
    }
    if (!*job) return 0;  // qmail-rspawn let this worker go
    std::string out;
    try {
      out = deliver((*job)->args, (*job)->message.get(), &cache);
    } catch (...) {
      // out of memory in the middle of a delivery: its connection is not trusted again
      cache.close_all();
      Reports reports((*job)->args.size() > 2 ? (*job)->args.size() - 2 : 0);
      out = decide_now(reports, 'Z', "qmail-remote ran out of memory. (#4.3.0)");
    }
    (*job)->message.reset();
    if (!queue::send_worker_reply(sock, out)) return 111;
  }
}

}  // namespace

int run(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  bool worker = argc == 2 && std::string_view(argv[1]) == "--worker";
  if (::chdir(autoconf::kHome) == -1) {
    if (worker) return 111;
    Reports reports(argc > 3 ? static_cast<std::size_t>(argc - 3) : 0);
    (void)io::write_all(
        1, decide_now(reports, 'Z', "Unable to switch to the qmail home directory. (#4.3.0)"));
    return 0;
  }
  if (worker) return run_worker(0);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  // the report stream on fd 1; the exit code is always 0 (qmail-remote(8))
  (void)io::write_all(1, deliver(args, 0, nullptr));
  return 0;
}

}  // namespace qmail::remote
