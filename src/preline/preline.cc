#include "preline.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/exit_code.h"
#include "base/fd.h"
#include "io/reader.h"
#include "io/writer.h"
#include "sys/process.h"
#include "sys/sig.h"

namespace qmail::preline {

namespace {

constexpr std::string_view kUsage = "preline: usage: preline [ -frdFRD ] cmd [ arg ... ]\n";

void fatal(std::string_view what) {
  std::string line = "preline: fatal: ";
  line.append(what);
  line += '\n';
  (void)io::write_all(2, line);
}

// Whether a failed exec may succeed later (qmail's error_temp): such
// failures defer the message, all others bounce it.
bool temporary_errno(int e) {
  switch (e) {
    case EINTR:
    case ENOMEM:
    case ETXTBSY:
    case EIO:
    case EAGAIN:
    case ENFILE:
    case EMFILE:
    case ENOBUFS:
    case ETIMEDOUT:
      return true;
    default:
      return false;
  }
}

// Copies the prefix and standard input to `out`.  The command may stop
// reading early (a filter that looked at the header); that is a broken pipe,
// not a failure: its exit code decides.  Reading our input is our trouble.
Status feed(int out, std::string_view head) {
  io::Writer w(out, 0, 65536);
  bool broken = false;
  auto put = [&](std::string_view s) -> Status {
    if (broken) return {};
    if (auto st = w.put(s); !st) {
      if (st.error().errnum != EPIPE) return st;
      broken = true;
    }
    return {};
  };
  if (auto st = put(head); !st) return st;
  io::Reader in(0);
  char buf[65536];
  while (!broken) {  // once the command is gone, the rest is not wanted
    auto n = in.read(buf, sizeof buf);
    if (!n) return Error{ErrorKind::kTemporary, n.error().errnum, "unable to read input"};
    if (*n == 0) break;
    if (auto st = put(std::string_view(buf, *n)); !st) return st;
  }
  if (broken) return {};
  if (auto st = w.flush(); !st && st.error().errnum != EPIPE) return st;
  return {};
}

}  // namespace

Result<Options> parse_args(const std::vector<std::string>& args) {
  Options o;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (char c : std::string_view(a).substr(1)) {
      switch (c) {
        case 'f':
          o.ufline = false;
          break;
        case 'F':
          o.ufline = true;
          break;
        case 'r':
          o.rpline = false;
          break;
        case 'R':
          o.rpline = true;
          break;
        case 'd':
          o.dtline = false;
          break;
        case 'D':
          o.dtline = true;
          break;
        default:
          return perm_error(std::string("unknown option -") + c);
      }
    }
  }
  o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  if (o.command.empty()) return perm_error("no command");
  return o;
}

std::string prefix(const Options& opts, std::string_view ufline, std::string_view rpline,
                   std::string_view dtline) {
  std::string s;
  if (opts.ufline) s.append(ufline);
  if (opts.rpline) s.append(rpline);
  if (opts.dtline) s.append(dtline);
  return s;
}

int run(int argc, char** argv) {
  sys::ignore_signal(SIGPIPE);
  const char* uf = std::getenv("UFLINE");
  const char* rp = std::getenv("RPLINE");
  const char* dt = std::getenv("DTLINE");
  auto opts = parse_args(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc));
  // Without qmail-local's variables there is nothing to prepend: a usage error.
  if (!opts || !uf || !rp || !dt) {
    (void)io::write_all(2, kUsage);
    return as_int(ToolExit::kUsage);
  }
  auto pipe = make_pipe();
  if (!pipe) {
    fatal(pipe.error().text());
    return as_int(DeliveryExit::kTemporary);
  }
  pid_t pid = ::fork();
  if (pid == -1) {
    fatal(sys_error("unable to fork").text());
    return as_int(DeliveryExit::kTemporary);
  }
  if (pid == 0) {
    pipe->write.reset();
    if (!move_fd_to(pipe->read.release(), 0)) {
      fatal(sys_error("unable to set up descriptors").text());
      _exit(as_int(DeliveryExit::kTemporary));
    }
    sys::default_signal(SIGPIPE);
    sys::exec_argv(opts->command);
    int e = errno;
    fatal(Error{ErrorKind::kTemporary, e, "unable to run " + opts->command[0]}.text());
    _exit(temporary_errno(e) ? as_int(DeliveryExit::kTemporary) : as_int(DeliveryExit::kPermanent));
  }
  pipe->read.reset();
  Status fed = feed(pipe->write.get(), prefix(*opts, uf, rp, dt));
  pipe->write.reset();
  auto status = sys::wait_for(pid);
  if (!fed) {
    fatal(fed.error().text());
    return as_int(DeliveryExit::kTemporary);
  }
  if (!status) {
    fatal(status.error().text());
    return as_int(DeliveryExit::kTemporary);
  }
  if (status->crashed()) {
    fatal("child crashed");
    return as_int(DeliveryExit::kTemporary);
  }
  return status->code;
}

}  // namespace qmail::preline
