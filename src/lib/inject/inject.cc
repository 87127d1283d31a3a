#include "inject/inject.h"

#include <signal.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "base/auto.h"
#include "base/exit_code.h"
#include "inject/header.h"
#include "inject/rewrite.h"
#include "io/reader.h"
#include "io/writer.h"
#include "log/escape.h"
#include "parse/rfc822_header.h"
#include "queue/client.h"
#include "sys/sig.h"

namespace qmail::inject {

namespace {

constexpr std::size_t kChunk = 65536;

// Anything that takes the message's bytes: stdout for -n, or qmail-queue.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status put(std::string_view s) = 0;
};

class PrintSink : public Sink {
 public:
  explicit PrintSink(int fd) : out_(fd, 0, kChunk) {}
  Status put(std::string_view s) override {
    auto st = out_.put(s);
    if (!st) return Error{st.error().kind, st.error().errnum, "unable to write output"};
    return {};
  }
  Status flush() {
    auto st = out_.flush();
    if (!st) return Error{st.error().kind, st.error().errnum, "unable to write output"};
    return {};
  }

 private:
  io::Writer out_;
};

class QueueSink : public Sink {
 public:
  explicit QueueSink(queue::Client& c) : client_(c) {}
  Status put(std::string_view s) override {
    client_.put(s);  // errors come back from finish()
    return {};
  }

 private:
  queue::Client& client_;
};

Result<Request> make_request(const Options& o, const Config& cfg, const Rewriter& rw) {
  Request req;
  if (o.sender) {
    std::string_view s = *o.sender;
    // "<>" and "<addr>" as sendmail users write them.
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
    auto env = rw.envelope(parse::quote_address(s));
    if (!env) return perm_error("unable to parse address: " + log::escape(*o.sender));
    req.sender = std::move(*env);
  }
  RecipientSource src = o.source;
  if (src == RecipientSource::kDefault)
    src = o.recipients.empty() ? RecipientSource::kHeader : RecipientSource::kArgs;
  if (src != RecipientSource::kHeader) {
    for (const auto& r : o.recipients) {
      auto env = rw.envelope(parse::quote_address(r));
      if (!env || env->empty()) return perm_error("unable to parse address: " + log::escape(r));
      req.recipients.push_back(std::move(*env));
    }
  }
  req.header_recipients = src != RecipientSource::kArgs;
  req.print = !o.queue;
  req.config = &cfg;
  return req;
}

// Reads the header; leaves the reader at the start of the body.
Result<parse::HeaderSplitter> read_header(io::Reader& in) {
  parse::HeaderSplitter splitter;
  std::string line;
  for (;;) {
    bool complete = true;
    auto got = in.getline(line, '\n', parse::kMaxHeaderLine, &complete);
    if (!got) {
      if (got.error().temporary()) return Error{got.error().kind, got.error().errnum, "read error"};
      return perm_error("header line too long");
    }
    if (!*got) {
      splitter.finish();
      return splitter;
    }
    auto more = splitter.feed(line, complete);
    if (!more) return more.error();
    if (!*more) return splitter;
  }
}

Status copy_body(io::Reader& in, Sink& out) {
  std::vector<char> buf(kChunk);
  for (;;) {
    auto n = in.read(buf.data(), buf.size());
    if (!n) return Error{ErrorKind::kTemporary, n.error().errnum, "read error"};
    if (*n == 0) return {};
    if (auto st = out.put(std::string_view(buf.data(), *n)); !st) return st;
  }
}

}  // namespace

Status inject(const Options& o, const Config& cfg, int in_fd, int out_fd, std::time_t now,
              long pid) {
  auto rw = Rewriter::make(cfg);
  if (!rw) return rw.error();
  auto req = make_request(o, cfg, *rw);
  if (!req) return req.error();
  req->rewriter = &*rw;
  req->now = now;
  req->pid = pid;

  io::Reader in(in_fd);
  auto header = read_header(in);
  if (!header) return header.error();
  auto prepared = prepare_header(header->fields(), *req);
  if (!prepared) return prepared.error();

  if (!o.queue) {
    PrintSink out(out_fd);
    if (auto st = out.put(prepared->header); !st) return st;
    if (auto st = out.put(header->body_start()); !st) return st;
    if (auto st = copy_body(in, out); !st) return st;
    return out.flush();
  }

  if (prepared->recipients.empty()) return perm_error("no recipients");
  auto client = queue::Client::start(true);
  if (!client) return temp_error("unable to run qmail-queue");
  QueueSink out(**client);
  (void)out.put(prepared->header);
  (void)out.put(header->body_start());
  if (auto st = copy_body(in, out); !st) return st;
  (*client)->from(prepared->sender);
  for (const auto& r : prepared->recipients) (*client)->to(r);
  return (*client)->finish();
}

int run(int argc, char** argv) {
  sys::ignore_signal(SIGPIPE);
  std::time_t now = std::time(nullptr);
  auto fail = [](ToolExit code, const std::string& what) {
    std::string line = "qmail-inject: " + what + "\n";
    (void)io::write_all(2, line);
    return as_int(code);
  };

  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  auto options = parse_options(args);
  if (!options)
    return fail(ToolExit::kUsage, "usage: qmail-inject [ -nNaAhH ] [ -fsender ] [ recip ... ] (" +
                                      options.error().what + ")");

  Env env = process_env();
  Config config = config_from_env(env);
  if (auto st = load_controls(config, autoconf::kHome, env); !st)
    return fail(ToolExit::kTemporary, "fatal: unable to read controls: " + st.error().text());

  auto st = inject(*options, config, 0, 1, now, static_cast<long>(::getpid()));
  if (!st)
    return fail(st.error().temporary() ? ToolExit::kTemporary : ToolExit::kUsage,
                "fatal: " + st.error().text());
  return as_int(ToolExit::kOk);
}

}  // namespace qmail::inject
