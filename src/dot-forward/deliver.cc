// deliver.cc: dot-forward's deliveries: programs through /bin/sh, and
// forwarding through qmail-queue.
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "base/fd.h"
#include "dot_forward.h"
#include "io/reader.h"
#include "io/writer.h"
#include "log/escape.h"
#include "queue/client.h"
#include "sys/process.h"
#include "sys/sig.h"

namespace qmail::dotforward {

namespace {

void fatal(std::string_view what) {
  std::string line = "dot-forward: fatal: ";
  line.append(what);
  line += '\n';
  (void)io::write_all(2, line);
}

// Copies `head` and stdin to the program.  A program that stops reading
// early (vacation looks at the header only) breaks the pipe; its exit code
// then decides, so write errors are dropped.  Read errors are ours.
Status feed(int out, std::string_view head) {
  io::Writer w(out, 0, 65536);
  bool broken = !w.put(head);
  io::Reader in(0);
  char buf[65536];
  while (!broken) {  // once the program is gone, the rest is not wanted
    auto n = in.read(buf, sizeof buf);
    if (!n) return Error{ErrorKind::kTemporary, n.error().errnum, "unable to read message"};
    if (*n == 0) break;
    if (!w.put(std::string_view(buf, *n))) broken = true;
  }
  if (!broken) (void)w.flush();
  return {};
}

}  // namespace

Status rewind_input(bool& consumed) {
  if (::lseek(0, 0, SEEK_SET) == -1 && (consumed || errno != ESPIPE))
    return sys_error("unable to rewind message");
  consumed = true;
  return {};
}

int map_program_exit(int code) {
  switch (code) {
    case 0:
      return 0;
    case 64:  // EX_USAGE
    case 65:  // EX_DATAERR
    case 70:  // EX_SOFTWARE
    case 76:  // EX_PROTOCOL
    case 77:  // EX_NOPERM
    case 78:  // EX_CONFIG
    case 100:
    case 112:
      return 100;
    default:
      return 111;
  }
}

int run_program(const std::string& command, std::string_view head) {
  auto pipe = make_pipe();
  if (!pipe) {
    fatal(pipe.error().text());
    return 111;
  }
  pid_t pid = ::fork();
  if (pid == -1) {
    fatal(sys_error("unable to fork").text());
    return 111;
  }
  if (pid == 0) {
    pipe->write.reset();
    if (!move_fd_to(pipe->read.release(), 0)) {
      fatal(sys_error("unable to set up descriptors").text());
      _exit(111);
    }
    sys::default_signal(SIGPIPE);
    sys::exec_path("/bin/sh", {"/bin/sh", "-c", command});
    fatal(sys_error("unable to run /bin/sh").text());
    _exit(111);
  }
  pipe->read.reset();
  Status fed = feed(pipe->write.get(), head);
  pipe->write.reset();
  auto status = sys::wait_for(pid);
  if (!fed || !status) {
    fatal((!fed ? fed.error() : status.error()).text());
    return 111;
  }
  if (status->crashed()) {
    fatal("program crashed: " + log::escape(command));
    return 111;
  }
  int code = map_program_exit(status->code);
  if (code != 0) fatal("program failed: " + log::escape(command));
  return code;
}

Status forward(const std::vector<std::string>& addresses, const Environment& env) {
  auto qq = queue::Client::start(true);
  if (!qq) return qq.error();
  auto& client = **qq;
  client.put(env.dtline);
  io::Reader in(0);
  char buf[65536];
  for (;;) {
    auto n = in.read(buf, sizeof buf);
    // Returning drops the client, which closes both pipes: qmail-queue
    // then sees no envelope and queues nothing.
    if (!n) return Error{ErrorKind::kTemporary, n.error().errnum, "unable to read message"};
    if (*n == 0) break;
    client.put(std::string_view(buf, *n));
  }
  client.from(env.sender);
  for (const auto& a : addresses) client.to(a);
  pid_t qp = client.pid();
  if (auto st = client.finish(); !st) return st;
  (void)io::write_all(1, "dot-forward: qp " + std::to_string(qp) + "\n");
  return {};
}

}  // namespace qmail::dotforward
