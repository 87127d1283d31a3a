// Unit tests for src/lib/queue/worker: the job and reply framing between a
// spawn and a long-lived delivery worker.  Jobs travel over a Unix stream
// socketpair with the message's descriptor; a job too large for the socket's
// buffer is sent by a forked child while the test receives it.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/fd.h"
#include "io/writer.h"
#include "queue/worker.h"
#include "sys/open.h"

#include "check_main.h"
#include "check_tmp.h"  // includes check.h, whose macros clash with <ios>: keep it last

using namespace qmail;
using queue::WorkerReplyReader;
using State = queue::WorkerReplyReader::State;

namespace {

struct SockPair {
  Fd spawn;   // the spawn's end
  Fd worker;  // the worker's end
  SockPair() {
    int sv[2];
    ck_assert_int_eq(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    spawn = Fd(sv[0]);
    worker = Fd(sv[1]);
  }
};

// A message file holding `content`, open for reading.
Fd message_file(const std::string& content) {
  std::string dir = check_tmp::make_dir("check_worker");
  check_tmp::write_file(dir + "/mess", content, 0600);
  auto fd = sys::open_read(dir + "/mess");
  ck_assert(fd.ok());
  return std::move(*fd);
}

// Sends a job from a forked child (so that it may exceed the socket's buffer)
// and returns the child's pid; the child exits 0 when send_worker_job succeeded.
pid_t send_job_in_child(SockPair& p, int message_fd, const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    p.worker.reset();
    ::_exit(queue::send_worker_job(p.spawn.get(), message_fd, args).ok() ? 0 : 1);
  }
  p.spawn.reset();  // the child holds the only sending end: its exit is the end of input
  return pid;
}

int exit_code(pid_t pid) {
  int status = 0;
  ck_assert_int_eq(::waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// Sends `bytes` with `fd` attached, as send_worker_job does, but with any framing.
void send_raw(int sock, int fd, std::string_view bytes) {
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cm), &fd, sizeof fd);
  }
  ck_assert_int_eq(::sendmsg(sock, &msg, MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

// A reply's or job's 4-byte length, in network order.
std::string header(std::size_t len) {
  auto n = static_cast<std::uint32_t>(len);
  std::string h(4, '\0');
  h[0] = static_cast<char>(n >> 24);
  h[1] = static_cast<char>(n >> 16);
  h[2] = static_cast<char>(n >> 8);
  h[3] = static_cast<char>(n);
  return h;
}

std::string framed(std::string_view body) { return header(body.size()) + std::string(body); }

bool same_file(int a, int b) {
  struct stat sa, sb;
  ck_assert_int_eq(::fstat(a, &sa), 0);
  ck_assert_int_eq(::fstat(b, &sb), 0);
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::string read_all_at(int fd, std::size_t max) {
  std::string out(max, '\0');
  ssize_t n = ::pread(fd, out.data(), max, 0);
  ck_assert_int_ge(n, 0);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Reads what the other end wrote until it closes, for at most 10 seconds.
std::string read_to_end(int fd, std::size_t max) {
  std::string got;
  char buf[65536];
  for (int rounds = 0; rounds < 100000 && got.size() <= max; ++rounds) {
    pollfd p{fd, POLLIN, 0};
    ck_assert_int_eq(::poll(&p, 1, 10000), 1);
    ssize_t n = ::read(fd, buf, sizeof buf);
    ck_assert_int_ge(n, 0);
    if (n == 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

// Nothing is waiting on `fd` (the other end wrote nothing).
bool nothing_to_read(int fd) {
  char c;
  return ::recv(fd, &c, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN;
}

}  // namespace

START_TEST(job_round_trip_keeps_args_and_passes_the_message) {
  SockPair p;
  Fd mess = message_file("Subject: hi\n\nbody\n");
  std::string big(64 * 1024, 'x');
  big[100] = '@';
  std::vector<std::string> args = {"example.org", "", "joe@example.org", "", big, "last"};
  pid_t pid = send_job_in_child(p, mess.get(), args);
  auto job = queue::receive_worker_job(p.worker.get());
  ck_assert_int_eq(exit_code(pid), 0);
  ck_assert(job.ok());
  ck_assert(job->has_value());
  const queue::WorkerJob& j = **job;
  ck_assert_uint_eq(j.args.size(), args.size());
  for (std::size_t i = 0; i < args.size(); ++i) ck_assert(j.args[i] == args[i]);
  ck_assert(j.message.valid());
  ck_assert_int_ne(j.message.get(), mess.get());
  ck_assert(same_file(j.message.get(), mess.get()));
  ck_assert(read_all_at(j.message.get(), 100) == "Subject: hi\n\nbody\n");
  // the descriptor arrives close-on-exec: a worker's own children do not inherit it
  ck_assert(::fcntl(j.message.get(), F_GETFD) & FD_CLOEXEC);
  // the sender has gone between jobs: no more jobs, and no error
  auto next = queue::receive_worker_job(p.worker.get());
  ck_assert(next.ok());
  ck_assert(!next->has_value());
}
END_TEST

START_TEST(job_with_many_args_or_none_round_trips) {
  SockPair p;
  Fd mess = message_file("m");
  std::vector<std::string> args;
  for (int i = 0; i < 5000; ++i) args.push_back("rcpt" + std::to_string(i) + "@example.org");
  pid_t pid = send_job_in_child(p, mess.get(), args);
  auto job = queue::receive_worker_job(p.worker.get());
  ck_assert_int_eq(exit_code(pid), 0);
  ck_assert(job.ok() && job->has_value());
  ck_assert_uint_eq((*job)->args.size(), args.size());
  ck_assert((*job)->args.front() == args.front());
  ck_assert((*job)->args.back() == args.back());
  ck_assert((*job)->args == args);

  // no arguments at all, and one empty argument, are told apart
  SockPair q;
  ck_assert(queue::send_worker_job(q.spawn.get(), mess.get(), {}).ok());
  ck_assert(queue::send_worker_job(q.spawn.get(), mess.get(), {""}).ok());
  auto none = queue::receive_worker_job(q.worker.get());
  ck_assert(none.ok() && none->has_value());
  ck_assert_uint_eq((*none)->args.size(), 0);
  ck_assert((*none)->message.valid());
  auto empty = queue::receive_worker_job(q.worker.get());
  ck_assert(empty.ok() && empty->has_value());
  ck_assert_uint_eq((*empty)->args.size(), 1);
  ck_assert((*empty)->args[0].empty());
  ck_assert(same_file((*empty)->message.get(), mess.get()));
}
END_TEST

START_TEST(jobs_follow_one_another_each_with_its_own_message) {
  SockPair p;
  Fd one = message_file("one");
  Fd two = message_file("two");
  ck_assert(queue::send_worker_job(p.spawn.get(), one.get(), {"a"}).ok());
  ck_assert(queue::send_worker_job(p.spawn.get(), two.get(), {"b"}).ok());
  auto first = queue::receive_worker_job(p.worker.get());
  auto second = queue::receive_worker_job(p.worker.get());
  ck_assert(first.ok() && first->has_value() && second.ok() && second->has_value());
  ck_assert((*first)->args == std::vector<std::string>{"a"});
  ck_assert((*second)->args == std::vector<std::string>{"b"});
  ck_assert(read_all_at((*first)->message.get(), 10) == "one");
  ck_assert(read_all_at((*second)->message.get(), 10) == "two");
}
END_TEST

START_TEST(job_without_a_descriptor_is_an_error) {
  SockPair p;
  ck_assert(io::write_all(p.spawn.get(), framed(std::string("a\0", 2))).ok());
  auto job = queue::receive_worker_job(p.worker.get());
  ck_assert(!job.ok());
}
END_TEST

START_TEST(job_over_the_limit_is_an_error) {
  Fd mess = message_file("m");
  {
    // a real job, larger than the worker takes
    SockPair p;
    ck_assert(queue::send_worker_job(p.spawn.get(), mess.get(), {std::string(100, 'a')}).ok());
    auto job = queue::receive_worker_job(p.worker.get(), 64);
    ck_assert(!job.ok());
  }
  {
    // exactly at the limit is taken
    SockPair p;
    ck_assert(queue::send_worker_job(p.spawn.get(), mess.get(), {std::string(63, 'a')}).ok());
    auto job = queue::receive_worker_job(p.worker.get(), 64);
    ck_assert(job.ok() && job->has_value());
    ck_assert_uint_eq((*job)->args[0].size(), 63);
  }
  {
    // a length of 4 GiB - 1 is refused before anything is allocated or read
    SockPair p;
    send_raw(p.spawn.get(), mess.get(), "\xff\xff\xff\xff");
    auto job = queue::receive_worker_job(p.worker.get());
    ck_assert(!job.ok());
  }
  {
    // the sender refuses a job over kMaxWorkerJob, and sends nothing
    SockPair p;
    std::string huge(queue::kMaxWorkerJob, 'a');
    ck_assert(!queue::send_worker_job(p.spawn.get(), mess.get(), {huge}).ok());
    ck_assert(nothing_to_read(p.worker.get()));
  }
}
END_TEST

START_TEST(end_of_input_before_a_job_is_no_job) {
  SockPair p;
  p.spawn.reset();
  auto job = queue::receive_worker_job(p.worker.get());
  ck_assert(job.ok());
  ck_assert(!job->has_value());
}
END_TEST

START_TEST(end_of_input_inside_a_job_is_an_error) {
  Fd mess = message_file("m");
  {
    // inside the length
    SockPair p;
    send_raw(p.spawn.get(), mess.get(), std::string("\0\0", 2));
    p.spawn.reset();
    ck_assert(!queue::receive_worker_job(p.worker.get()).ok());
  }
  {
    // inside the arguments
    SockPair p;
    send_raw(p.spawn.get(), mess.get(), header(10) + std::string("abc\0", 4));
    p.spawn.reset();
    ck_assert(!queue::receive_worker_job(p.worker.get()).ok());
  }
  {
    // inside an argument: the last one has no NUL
    SockPair p;
    send_raw(p.spawn.get(), mess.get(), header(5) + std::string("ab\0cd", 5));
    p.spawn.reset();
    ck_assert(!queue::receive_worker_job(p.worker.get()).ok());
  }
}
END_TEST

START_TEST(send_refuses_an_argument_holding_a_nul) {
  SockPair p;
  Fd mess = message_file("m");
  auto st = queue::send_worker_job(p.spawn.get(), mess.get(), {"ok", std::string("a\0b", 3)});
  ck_assert(!st.ok());
  ck_assert(nothing_to_read(p.worker.get()));
}
END_TEST

START_TEST(reply_round_trip) {
  SockPair p;
  std::string report("r\0KDone.\0", 9);
  ck_assert(queue::send_worker_reply(p.worker.get(), report).ok());
  ck_assert(queue::send_worker_reply(p.worker.get(), "").ok());
  p.worker.reset();
  std::string bytes = read_to_end(p.spawn.get(), 1000);
  ck_assert(bytes == framed(report) + header(0));
  WorkerReplyReader r;
  ck_assert(r.feed(std::string_view(bytes).substr(0, 4 + report.size())) == State::kDone);
  ck_assert(r.reply() == report);
  r.reset();
  ck_assert(r.feed(std::string_view(bytes).substr(4 + report.size())) == State::kDone);
  ck_assert(r.reply().empty());
}
END_TEST

START_TEST(reply_over_the_limit_is_cut_to_it) {
  SockPair p;
  pid_t pid = ::fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    p.spawn.reset();
    std::string huge(queue::kMaxWorkerReply + 100, 'y');
    ::_exit(queue::send_worker_reply(p.worker.get(), huge).ok() ? 0 : 1);
  }
  p.worker.reset();
  std::string bytes = read_to_end(p.spawn.get(), queue::kMaxWorkerReply + 200);
  ck_assert_int_eq(exit_code(pid), 0);
  WorkerReplyReader r;
  ck_assert(r.feed(bytes) == State::kDone);
  ck_assert_uint_eq(r.reply().size(), queue::kMaxWorkerReply);
}
END_TEST

START_TEST(reader_takes_a_reply_in_one_piece_or_byte_by_byte) {
  std::string body("rAccepted.\0KDone.\0", 18);
  std::string bytes = framed(body);
  WorkerReplyReader whole;
  ck_assert(whole.feed(bytes) == State::kDone);
  ck_assert(whole.reply() == body);

  WorkerReplyReader bytewise;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    ck_assert(bytewise.state() == State::kMore);
    State s = bytewise.feed(std::string_view(bytes).substr(i, 1));
    ck_assert(s == (i + 1 == bytes.size() ? State::kDone : State::kMore));
  }
  ck_assert(bytewise.reply() == body);
  // nothing fed is nothing changed
  ck_assert(bytewise.feed("") == State::kDone);
  WorkerReplyReader fresh;
  ck_assert(fresh.feed("") == State::kMore);
}
END_TEST

START_TEST(reader_takes_a_reply_in_random_pieces) {
  std::mt19937 rng(20240531);
  for (int round = 0; round < 300; ++round) {
    std::string body(rng() % 3000, '\0');
    for (char& c : body) c = static_cast<char>(rng());
    std::string bytes = framed(body);
    WorkerReplyReader r(4096);
    std::size_t pos = 0;
    for (int pieces = 0; pos < bytes.size() && pieces < 10000; ++pieces) {
      ck_assert(r.state() == State::kMore);
      std::size_t n = rng() % 9 == 0 ? 0 : 1 + rng() % 700;
      if (n > bytes.size() - pos) n = bytes.size() - pos;
      r.feed(std::string_view(bytes).substr(pos, n));
      pos += n;
    }
    ck_assert_uint_eq(pos, bytes.size());
    ck_assert(r.state() == State::kDone);
    ck_assert(r.reply() == body);
  }
}
END_TEST

START_TEST(reader_takes_an_empty_reply) {
  WorkerReplyReader r;
  ck_assert(r.feed(std::string(3, '\0')) == State::kMore);
  ck_assert(r.feed(std::string(1, '\0')) == State::kDone);
  ck_assert(r.reply().empty());
}
END_TEST

START_TEST(reader_breaks_on_a_length_over_its_max) {
  WorkerReplyReader r(10);
  ck_assert(r.feed(header(11).substr(0, 3)) == State::kMore);
  ck_assert(r.feed(header(11).substr(3)) == State::kBroken);
  ck_assert(r.feed("more") == State::kBroken);  // broken stays broken
  ck_assert(r.reply().empty());

  WorkerReplyReader at_max(10);
  ck_assert(at_max.feed(framed("0123456789")) == State::kDone);

  WorkerReplyReader dflt;
  ck_assert(dflt.feed(header(queue::kMaxWorkerReply + 1)) == State::kBroken);
  WorkerReplyReader huge;
  ck_assert(huge.feed("\xff\xff\xff\xff") == State::kBroken);
}
END_TEST

START_TEST(reader_breaks_on_bytes_after_a_complete_reply) {
  WorkerReplyReader r;
  ck_assert(r.feed(framed("KDone.") + "x") == State::kBroken);
  ck_assert(r.feed("") == State::kBroken);

  WorkerReplyReader later;
  ck_assert(later.feed(framed("KDone.")) == State::kDone);
  ck_assert(later.feed("x") == State::kBroken);
  ck_assert(later.feed(framed("KAgain.")) == State::kBroken);

  WorkerReplyReader two;  // two replies at once: the second was not asked for
  ck_assert(two.feed(framed("a") + framed("b")) == State::kBroken);
}
END_TEST

START_TEST(reader_reset_takes_the_next_reply) {
  WorkerReplyReader r(100);
  ck_assert(r.feed(framed("first")) == State::kDone);
  r.reset();
  ck_assert(r.state() == State::kMore);
  ck_assert(r.reply().empty());
  ck_assert(r.feed(framed("second").substr(0, 6)) == State::kMore);
  ck_assert(r.feed(framed("second").substr(6)) == State::kDone);
  ck_assert(r.reply() == "second");
  // and after a broken one too
  ck_assert(r.feed("x") == State::kBroken);
  r.reset();
  ck_assert(r.feed(framed("third")) == State::kDone);
  ck_assert(r.reply() == "third");
  // a reset in the middle of a reply starts over
  r.reset();
  ck_assert(r.feed(header(50) + "partial") == State::kMore);
  r.reset();
  ck_assert(r.feed(framed("fourth")) == State::kDone);
  ck_assert(r.reply() == "fourth");
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("worker");
  TCase* tc = tcase_create("send_and_receive_worker_job");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, job_round_trip_keeps_args_and_passes_the_message);
  tcase_add_test(tc, job_with_many_args_or_none_round_trips);
  tcase_add_test(tc, jobs_follow_one_another_each_with_its_own_message);
  tcase_add_test(tc, job_without_a_descriptor_is_an_error);
  tcase_add_test(tc, job_over_the_limit_is_an_error);
  tcase_add_test(tc, end_of_input_before_a_job_is_no_job);
  tcase_add_test(tc, end_of_input_inside_a_job_is_an_error);
  tcase_add_test(tc, send_refuses_an_argument_holding_a_nul);
  suite_add_tcase(s, tc);
  tc = tcase_create("send_worker_reply");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, reply_round_trip);
  tcase_add_test(tc, reply_over_the_limit_is_cut_to_it);
  suite_add_tcase(s, tc);
  tc = tcase_create("WorkerReplyReader");
  tcase_add_test(tc, reader_takes_a_reply_in_one_piece_or_byte_by_byte);
  tcase_add_test(tc, reader_takes_a_reply_in_random_pieces);
  tcase_add_test(tc, reader_takes_an_empty_reply);
  tcase_add_test(tc, reader_breaks_on_a_length_over_its_max);
  tcase_add_test(tc, reader_breaks_on_bytes_after_a_complete_reply);
  tcase_add_test(tc, reader_reset_takes_the_next_reply);
  suite_add_tcase(s, tc);
  return s;
}
