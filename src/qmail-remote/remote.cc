#include "qmail-remote/remote.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <map>

#include "base/auto.h"
#include "base/str.h"
#include "io/writer.h"
#include "net/connect.h"
#include "net/dns.h"
#include "net/idn.h"
#include "net/ipme.h"
#include "net/tcpto.h"
#include "qmail-remote/cache.h"
#include "qmail-remote/plan.h"
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

std::string Reports::recipient_record(std::size_t i) const {
  const Rcpt& r = rcpt_[i];
  std::string out(1, r.letter);
  if (!r.letter) out[0] = message_letter_ == 'D' ? 'h' : message_letter_ == 'K' ? 'r' : 's';
  out += r.text;  // empty when the message record says it all
  out.push_back('\0');
  return out;
}

std::string Reports::message_record() const {
  std::string out(1, message_letter_ ? message_letter_ : 'Z');
  out +=
      message_letter_ ? message_text_ : report_text("qmail-remote reached no decision. (#4.3.0)");
  out.push_back('\0');
  return out;
}

std::string Reports::bytes() const {
  std::string out;
  if (any_recipient())
    for (std::size_t i = 0; i < rcpt_.size(); ++i) out += recipient_record(i);
  return out + message_record();
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

// What the destinations of one job share: the control files, the lookups,
// the table of hosts that timed out, the open connections.
class Context {
 public:
  Context(const Config& config, ConnectionCache* cache)
      : config(config), cache(cache), resolver_(config.resolver) {
    lookups.mx = [this](std::string_view d) { return net::lookup_mx(resolver_, d); };
    lookups.addresses = [this](std::string_view h) { return net::lookup_addresses(resolver_, h); };
    lookups.is_me = [this](const net::IpAddress& ip) {
      if (!mine_read_) {
        auto list = net::local_addresses();
        if (list) mine_ = std::move(*list);
        mine_read_ = true;
      }
      return net::is_local_address(ip, mine_);
    };
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Config& config;
  ConnectionCache* cache;
  Lookups lookups;
  net::TcptoTable tcpto{"queue/lock/tcpto"};
  unsigned jitter = static_cast<unsigned>(::getpid()) & 31;

 private:
  net::Resolver resolver_;
  std::vector<net::IpAddress> mine_;
  bool mine_read_ = false;
};

// Why a destination cannot be tried: the message letter and its text.
struct Failure {
  char letter = 'Z';
  std::string text;
};

// Fills in `d` (its domain set): the A-label form, the TLS policy, the
// credentials and the hosts to try.  False, with `why`, when there is nowhere to go.
bool find_destination(Context& ctx, Destination& d, Failure& why) {
  auto ascii = net::domain_to_ascii(d.domain);
  if (!ascii) {
    why = {'D', "Sorry, " + d.domain.substr(0, 255) +
                    " is not a valid internationalized domain name. (#5.1.2)"};
    return false;
  }
  d.ascii_domain = ascii_lower(*ascii);
  d.auth = find_rule(ctx.config.auth_rules, d.ascii_domain);
  d.tls = tls_policy_for(ctx.config, d.ascii_domain, d.auth != nullptr);
  const RouteRule* route = find_rule(ctx.config.routes, d.ascii_domain);
  auto targets = targets_for(d.ascii_domain, route, ctx.lookups);
  if (!targets) {
    why = {targets.error().temporary() ? 'Z' : 'D', targets.error().what};
    return false;
  }
  d.targets = std::move(*targets);
  d.found = true;
  return true;
}

// Delivers `job` to the first of `targets` that decides, as qmail-remote
// does for one host argument; the reports hold the decision at the end.
void send_to(Context& ctx, const Job& job, Reports& reports, const TargetList& targets) {
  const Config& config = ctx.config;
  ConnectionCache* cache = ctx.cache;
  std::string last_error;
  bool all_permanent = true;
  bool tried = false;
  // The connection goes back to the cache (when there is one) after a decision.
  auto done = [&](Session& session) {
    if (cache) {
      auto conn = session.take_connection();
      if (conn) {
        conn->key = connection_key(config, job.ascii_domain, conn->target, job.tls, job.auth);
        cache->put(std::move(conn), ConnectionCache::Clock::now());
      }
    }
  };
  for (const Target& target : targets.targets) {
    if (cache) {
      std::string key = connection_key(config, job.ascii_domain, target, job.tls, job.auth);
      if (auto conn = cache->take(key, ConnectionCache::Clock::now())) {
        Session session(job, reports);
        session.keep_open(true);
        if (session.reuse(std::move(conn)) == Session::Outcome::kDecided) return done(session);
        // the connection went stale, nothing was sent: a fresh one below
      }
    }
    std::time_t now = std::time(nullptr);
    bool listed = false;
    if (ctx.tcpto.should_skip(target.ip, now, ctx.jitter, &listed)) {
      last_error =
          "Skipped " + net::format_ip(target.ip) + ": it timed out recently (see qmail-tcpto).";
      all_permanent = false;
      continue;
    }
    const net::IpAddress& source = target.ip.is_v6() ? config.outgoing_v6 : config.outgoing_v4;
    for (bool plain_only : {false, true}) {
      auto fd = net::tcp_connect(target.ip, target.port, source, config.timeout_connect);
      if (!fd) {
        ctx.tcpto.record(target.ip, fd.error().errnum == ETIMEDOUT, std::time(nullptr));
        last_error = "Unable to connect to " + net::format_ip(target.ip) + " port " +
                     fmt_u64(target.port) + ": " + fd.error().text() + ".";
        all_permanent = false;
        break;
      }
      if (listed) ctx.tcpto.record(target.ip, false, std::time(nullptr));
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
  if (last_error.empty()) last_error = "No mail host of " + job.domain + " could be tried.";
  if (!targets.note.empty()) last_error += "\n(" + targets.note + ")";
  // Only when every host answered with a permanent refusal is the mail bounced.
  bool permanent = tried && all_permanent;
  reports.message(permanent ? 'D' : 'Z', last_error + (permanent ? " (#5.4.7)" : " (#4.4.1)"));
}

// The parts of a job every destination shares: the sender and the message.
Job start_job(const Config& config, const std::string& sender, int message_fd) {
  Job job;
  job.config = &config;
  job.sender = prepare_address(sender);
  job.message_fd = message_fd;
  job.seekable = scan_message(message_fd, job.scan);
  return job;
}

// The destination's choices in `job`.
void aim(Job& job, const Destination& d) {
  job.domain = d.domain;
  job.ascii_domain = d.ascii_domain;
  job.tls = d.tls;
  job.auth = d.auth;
}

// qmail-remote's own interface: host, sender, recipients; one report stream.
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
  Context ctx(*config, cache);
  Destination d;
  d.domain = ascii_lower(args[0]);
  Failure why;
  if (!find_destination(ctx, d, why)) return decide_now(reports, why.letter, why.text);
  Job job = start_job(*config, args[1], message_fd);
  aim(job, d);
  for (std::size_t i = 2; i < args.size(); ++i) job.recipients.push_back(prepare_address(args[i]));
  send_to(ctx, job, reports, d.targets);
  return reports.bytes();
}

// How a shared transaction names its domains in reports: the first few.
std::string domains_text(const std::vector<Destination>& ds,
                         const std::vector<std::size_t>& group) {
  constexpr std::size_t kNamed = 3;
  std::string out;
  for (std::size_t k = 0; k < group.size() && k < kNamed; ++k)
    out += (k ? ", " : "") + ds[group[k]].domain.substr(0, 255);
  if (group.size() > kNamed) out += " and " + fmt_u64(group.size() - kNamed) + " more";
  return out;
}

// A worker job with an empty host (qmail-remote(8), "--worker"): each
// recipient goes to its own domain, domains that share a mail host and its
// settings share a transaction (plan.h), and the reply holds, per recipient,
// its record and then the message record of its transaction.
std::string deliver_each(const std::vector<std::string>& args, int message_fd,
                         ConnectionCache* cache) {
  std::size_t n = args.size() > 2 ? args.size() - 2 : 0;
  std::vector<std::string> rcpt_record(n), message_record(n);
  auto reply = [&] {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += rcpt_record[i] + message_record[i];
    return out;
  };
  Reports none(n);
  if (n == 0) return decide_now(none, 'D', "qmail-remote was invoked without recipients. (#5.3.5)");
  auto config = load_config();
  if (!config)
    return decide_now(none, 'Z',
                      "Unable to read the control files: " + config.error().text() + " (#4.3.0)");
  Context ctx(*config, cache);

  // the destinations, in the order of their first recipient
  std::vector<Destination> ds;
  std::map<std::string, std::size_t> by_domain;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& rcpt = args[i + 2];
    std::size_t at = rcpt.rfind('@');
    std::string domain = at == std::string::npos ? std::string() : ascii_lower(rcpt.substr(at + 1));
    auto [it, fresh] = by_domain.try_emplace(domain, ds.size());
    if (fresh) {
      ds.emplace_back();
      ds.back().domain = domain;
    }
    ds[it->second].recipients.push_back(i);
  }
  std::vector<Failure> failures(ds.size());
  for (std::size_t k = 0; k < ds.size(); ++k) {
    if (ds[k].domain.empty())
      failures[k] = {'D', "Sorry, the address has no domain. (#5.1.3)"};
    else
      (void)find_destination(ctx, ds[k], failures[k]);
  }

  Job base = start_job(*config, args[1], message_fd);
  bool sent_once = false;
  for (const std::vector<std::size_t>& group : share_transactions(*config, ds)) {
    const Destination& first = ds[group.front()];
    std::vector<std::size_t> positions;
    for (std::size_t k : group)
      positions.insert(positions.end(), ds[k].recipients.begin(), ds[k].recipients.end());
    Reports reports(positions.size());
    if (!first.found) {
      reports.message(failures[group.front()].letter, failures[group.front()].text);
    } else if (sent_once && !base.seekable) {
      // qmail-rspawn passes a queue file; anything else is read only once
      reports.message('Z', "qmail-remote cannot read the message again. (#4.3.0)");
    } else {
      sent_once = true;
      Job job = base;
      aim(job, first);
      if (group.size() > 1) job.domain = domains_text(ds, group);
      for (std::size_t i : positions) job.recipients.push_back(prepare_address(args[i + 2]));
      send_to(ctx, job, reports, first.targets);
    }
    for (std::size_t k = 0; k < positions.size(); ++k) {
      rcpt_record[positions[k]] = reports.recipient_record(k);
      message_record[positions[k]] = reports.message_record();
    }
  }
  return reply();
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
      const std::vector<std::string>& args = (*job)->args;
      if (!args.empty() && args[0].empty())
        out = deliver_each(args, (*job)->message.get(), &cache);
      else
        out = deliver(args, (*job)->message.get(), &cache);
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
