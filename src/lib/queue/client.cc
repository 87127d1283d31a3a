#include "queue/client.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "base/auto.h"
#include "sys/process.h"

namespace qmail::queue {

std::string describe_queue_exit(int code, bool& permanent) {
  permanent = code >= 11 && code <= 40;
  switch (code) {
    case 11:
      return "envelope address too long for qq (#5.1.3)";
    case 31:
      return "mail server permanently rejected message (#5.3.0)";
    case 51:
      return "qq out of memory (#4.3.0)";
    case 52:
      return "qq timeout (#4.3.0)";
    case 53:
      return "qq write error or disk full (#4.3.0)";
    case 54:
      return "qq read error (#4.3.0)";
    case 55:
      return "qq unable to read configuration (#4.3.0)";
    case 56:
      return "qq trouble making network connection (#4.3.0)";
    case 61:
      return "qq trouble in home directory (#4.3.0)";
    case 62:
    case 63:
    case 64:
    case 65:
    case 66:
      return "qq trouble creating files in queue (#4.3.0)";
    case 71:
      return "mail server temporarily rejected message (#4.3.0)";
    case 72:
      return "connection to mail server timed out (#4.4.1)";
    case 73:
      return "connection to mail server rejected (#4.4.1)";
    case 74:
      return "communication with mail server failed (#4.4.2)";
    case 81:
      return "qq internal bug (#4.3.0)";
    case 91:
      return "qq envelope format error (#4.3.0)";
    case 120:
      return "unable to exec qq (#4.3.0)";
    default:
      return permanent ? "qq permanent problem (#5.3.0)" : "qq temporary problem (#4.3.0)";
  }
}

Client::Client(pid_t pid, Fd message, Fd envelope, Fd errors)
    : pid_(pid),
      message_(std::move(message)),
      envelope_(std::move(envelope)),
      errors_(std::move(errors)) {
  msg_out_ = std::make_unique<io::Writer>(message_.get(), 0, 65536);
}

Client::~Client() {
  if (pid_ > 0) {
    message_.reset();
    envelope_.reset();
    (void)sys::wait_for(pid_);
  }
}

Result<std::unique_ptr<Client>> Client::start(bool honour_env, bool custom_errors) {
  std::string program = std::string(autoconf::kHome) + "/bin/qmail-queue";
  if (honour_env) {
    const char* q = std::getenv("QMAILQUEUE");
    if (q && *q) program = q;
  }
  auto m = make_pipe();
  if (!m) return m.error();
  auto e = make_pipe();
  if (!e) return e.error();
  Pipe errs;
  if (custom_errors) {
    auto p = make_pipe();
    if (!p) return p.error();
    errs = std::move(*p);
  }
  pid_t pid = ::fork();
  if (pid == -1) return sys_error("unable to fork");
  if (pid == 0) {
    int mfd = m->read.release(), efd = e->read.release();
    // move out of the way first in case either landed on 0 or 1
    int mfd2 = ::dup(mfd), efd2 = ::dup(efd);
    if (mfd2 == -1 || efd2 == -1 || !move_fd_to(mfd2, 0) || !move_fd_to(efd2, 1)) _exit(120);
    if (errs.write.valid() && !move_fd_to(errs.write.release(), 4)) _exit(120);
    sys::exec_path(program, {program});
    _exit(120);
  }
  m->read.reset();
  e->read.reset();
  errs.write.reset();
  return std::unique_ptr<Client>(
      new Client(pid, std::move(m->write), std::move(e->write), std::move(errs.read)));
}

void Client::put(std::string_view s) {
  if (failed_ || message_done_) return;
  if (!msg_out_->put(s)) failed_ = true;
}

void Client::end_message() {
  if (message_done_) return;
  message_done_ = true;
  if (!failed_ && !msg_out_->flush()) failed_ = true;
  message_.reset();
}

void Client::from(std::string_view sender) {
  end_message();
  env_ += 'F';
  env_.append(sender);
  env_ += '\0';
}

void Client::to(std::string_view recipient) {
  env_ += 'T';
  env_.append(recipient);
  env_ += '\0';
}

Status Client::finish() {
  end_message();
  env_ += '\0';
  if (!failed_ && !io::write_all(envelope_.get(), env_)) failed_ = true;
  envelope_.reset();
  auto st = sys::wait_for(pid_);
  pid_ = -1;
  if (!st) return st.error();
  if (st->crashed()) return temp_error("qq crashed (#4.3.0)");
  if (st->code == 0) {
    if (failed_) return temp_error("qq write error or disk full (#4.3.0)");
    return {};
  }
  if (st->code == 82 && errors_.valid()) {
    // a filter's own reason: "D" or "Z" and one line of text, bounded
    char buf[1024];
    // a grandchild may still hold the pipe open: never wait for it
    (void)::fcntl(errors_.get(), F_SETFL, O_NONBLOCK);
    ssize_t n = ::read(errors_.get(), buf, sizeof buf - 1);
    if (n > 1 && (buf[0] == 'D' || buf[0] == 'Z')) {
      std::string text(buf + 1, static_cast<std::size_t>(n - 1));
      text = text.substr(0, text.find_first_of("\r\n"));
      for (char& c : text)
        if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
      if (buf[0] == 'D') return perm_error(text);
      return temp_error(text);
    }
  }
  bool permanent = false;
  std::string text = describe_queue_exit(st->code, permanent);
  return permanent ? perm_error(text) : temp_error(text);
}

}  // namespace qmail::queue
