// Unit tests for src/tcp-env: the command line, the cleaning of names from
// the DNS and the ident server, the environment plan, and the ident client
// against a one-shot server on loopback.
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <map>

#include "check_main.h"
#include "tcp-env/ident.h"
#include "tcp-env/tcp_env.h"

/// Compares as strings, holding both values while Check looks at them.
#define expect_eq(got, want)                       \
  do {                                             \
    std::string got_ = (got);                      \
    std::string want_ = (want);                    \
    ck_assert_str_eq(got_.c_str(), want_.c_str()); \
  } while (0)

using namespace qmail;
using namespace qmail::tcpenv;

namespace {
Result<Options> parse(std::vector<std::string> args) { return parse_args(args); }

/// The plan applied to an empty environment: name -> value, absent when unset.
std::map<std::string, std::string> applied(const std::vector<EnvChange>& plan) {
  std::map<std::string, std::string> env;
  for (const auto& [name, value] : plan) {
    if (value)
      env[name] = *value;
    else
      env.erase(name);
  }
  return env;
}

bool unsets(const std::vector<EnvChange>& plan, const std::string& name) {
  for (const auto& [n, v] : plan)
    if (n == name && !v) return true;
  return false;
}

Facts tcp_facts() {
  Facts f;
  f.tcp = true;
  f.local_ip = *net::parse_ip("192.0.2.1");
  f.local_port = 25;
  f.remote_ip = *net::parse_ip("2001:db8::42");
  f.remote_port = 40000;
  f.remote_host = "client.example";
  return f;
}
}  // namespace

START_TEST(args_default_to_ident_and_keep_program_arguments) {
  auto o = parse({"qmail-smtpd", "-x", "--"});
  ck_assert(o.ok());
  ck_assert(o->remote_info);
  ck_assert_uint_eq(o->ident_timeout, kDefaultIdentTimeout);
  ck_assert_uint_eq(o->program.size(), 3);
  expect_eq(o->program[1], "-x");
  ck_assert(!o->local_ip && !o->local_port && !o->local_host);
}
END_TEST

START_TEST(args_read_flags_and_values_in_both_spellings) {
  auto o = parse({"-rR", "-t9", "-i", "::ffff:10.0.0.1", "-p25", "-l", "mx.example", "prog"});
  ck_assert(o.ok());
  ck_assert(!o->remote_info);  // the last of -r and -R wins
  ck_assert_uint_eq(o->ident_timeout, 9);
  ck_assert(*o->local_ip == net::ipv4(10, 0, 0, 1));
  ck_assert_uint_eq(*o->local_port, 25);
  expect_eq(o->local_host->c_str(), "mx.example");
  ck_assert_uint_eq(o->program.size(), 1);
  o = parse({"-Rr", "-t", "0", "--", "-prog"});
  ck_assert(o.ok());
  ck_assert(o->remote_info);
  ck_assert_uint_eq(o->ident_timeout, 0);
  expect_eq(o->program[0], "-prog");
}
END_TEST

START_TEST(args_reject_bad_command_lines) {
  std::vector<std::vector<std::string>> bad = {
      {},
      {"-R"},
      {"--"},
      {"-x", "prog"},
      {"-t"},
      {"-tx", "p"},
      {"-t", "99999", "p"},
      {"-i", "1.2.3", "p"},
      {"-p", "65536", "p"},
      {"-p-1", "p"},
      {"-l"},
  };
  for (const auto& b : bad) {
    auto o = parse_args(b);
    ck_assert(!o.ok());
    expect_eq(o.error().what, std::string(kUsage));
  }
}
END_TEST

START_TEST(host_names_are_lowered_or_dropped) {
  expect_eq(safe_host_name("Mail-1.Example_X.COM")->c_str(), "mail-1.example_x.com");
  ck_assert(!safe_host_name(""));
  ck_assert(!safe_host_name("evil\r\nX-Header: 1"));
  ck_assert(!safe_host_name("a b.example"));
  ck_assert(!safe_host_name("(x).example"));
  ck_assert(!safe_host_name("caf\xc3\xa9.example"));
  ck_assert(!safe_host_name(std::string(kMaxHostName + 1, 'a')));
  ck_assert(safe_host_name(std::string(kMaxHostName, 'a')).has_value());
}
END_TEST

START_TEST(remote_info_is_made_printable) {
  expect_eq(safe_remote_info("joe"), "joe");
  expect_eq(safe_remote_info("a b:c"), "a b:c");
  expect_eq(safe_remote_info("x\ty\x7f\xc3\xa9"), "x?y???");
}
END_TEST

START_TEST(plan_sets_every_variable_for_a_tcp_socket) {
  Options o;
  Facts f = tcp_facts();
  f.remote_info = "joe";
  auto env = applied(plan_environment(o, f));
  expect_eq(env["PROTO"], "TCP");
  expect_eq(env["TCPLOCALIP"], "192.0.2.1");
  expect_eq(env["TCPLOCALPORT"], "25");
  expect_eq(env["TCPREMOTEIP"], "2001:db8::42");
  expect_eq(env["TCPREMOTEPORT"], "40000");
  expect_eq(env["TCPREMOTEHOST"], "client.example");
  expect_eq(env["TCPREMOTEINFO"], "joe");
  ck_assert(env.count("TCPLOCALHOST") == 0);
  // unknown names and no ident answer unset what a parent may have left
  auto plan = plan_environment(o, tcp_facts());
  ck_assert(unsets(plan, "TCPLOCALHOST"));
  ck_assert(unsets(plan, "TCPREMOTEINFO"));
}
END_TEST

START_TEST(plan_unsets_everything_without_a_socket) {
  Options o;
  auto plan = plan_environment(o, Facts{});
  for (const char* v : {"TCPLOCALIP", "TCPLOCALPORT", "TCPLOCALHOST", "TCPREMOTEIP",
                        "TCPREMOTEPORT", "TCPREMOTEHOST", "TCPREMOTEINFO"})
    ck_assert_msg(unsets(plan, v), "%s is not unset", v);
  ck_assert(applied(plan).empty());
}
END_TEST

START_TEST(plan_keeps_what_a_tcp_server_set) {
  Options o;
  Facts f;
  f.inherited = true;
  ck_assert(plan_environment(o, f).empty());
  o.local_host = "0";
  auto env = applied(plan_environment(o, f));
  ck_assert_uint_eq(env.size(), 1);
  expect_eq(env["TCPLOCALHOST"], "0");
}
END_TEST

START_TEST(plan_lets_the_command_line_override) {
  Options o;
  o.local_ip = net::ipv4(198, 51, 100, 7);
  o.local_port = 587;
  Facts f = tcp_facts();
  f.local_host = "name.of.minus.i";
  auto env = applied(plan_environment(o, f));
  expect_eq(env["TCPLOCALIP"], "198.51.100.7");
  expect_eq(env["TCPLOCALPORT"], "587");
  expect_eq(env["TCPLOCALHOST"], "name.of.minus.i");
  o.local_host = "mx.example";
  env = applied(plan_environment(o, f));
  expect_eq(env["TCPLOCALHOST"], "mx.example");
}
END_TEST

namespace {
/// A listening socket on 127.0.0.1, port chosen by the kernel.
int listen_loopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(fd, 0);
  sockaddr_storage ss;
  socklen_t len = net::to_sockaddr(net::ipv4(127, 0, 0, 1), 0, ss);
  ck_assert_int_eq(::bind(fd, reinterpret_cast<sockaddr*>(&ss), len), 0);
  ck_assert_int_eq(::listen(fd, 4), 0);
  len = sizeof ss;
  ck_assert_int_eq(::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len), 0);
  ck_assert(net::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len, &port).has_value());
  return fd;
}

/// A child that answers one query with `reply`, then exits (within 5 s at most).
pid_t serve_once(int lfd, std::string reply) {
  pid_t pid = ::fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    ::alarm(5);
    int c = ::accept(lfd, nullptr, nullptr);
    if (c < 0) ::_exit(1);
    char buf[200];
    (void)!::read(c, buf, sizeof buf);
    (void)!::write(c, reply.data(), reply.size());
    ::close(c);
    ::_exit(0);
  }
  return pid;
}

double seconds_since(const timespec& t0) {
  timespec t1{};
  ::clock_gettime(CLOCK_MONOTONIC, &t1);
  return static_cast<double>(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
}
}  // namespace

START_TEST(ident_reads_the_user_id) {
  std::uint16_t port = 0;
  int lfd = listen_loopback(port);
  pid_t pid = serve_once(lfd, "4000 , 25 : USERID : UNIX : joe\r\n");
  auto lo = net::ipv4(127, 0, 0, 1);
  auto user = ask_ident(lo, 25, lo, 4000, 5, port);
  ck_assert(user.has_value());
  expect_eq(user->c_str(), "joe");
  ::waitpid(pid, nullptr, 0);
  pid = serve_once(lfd, "4000 , 25 : ERROR : NO-USER\r\n");
  ck_assert(!ask_ident(lo, 25, lo, 4000, 5, port));
  ::waitpid(pid, nullptr, 0);
  ::close(lfd);
}
END_TEST

START_TEST(ident_gives_up_at_the_deadline) {
  std::uint16_t port = 0;
  int lfd = listen_loopback(port);  // the kernel accepts; nobody ever answers
  auto lo = net::ipv4(127, 0, 0, 1);
  timespec t0{};
  ::clock_gettime(CLOCK_MONOTONIC, &t0);
  ck_assert(!ask_ident(lo, 25, lo, 4000, 1, port));
  double took = seconds_since(t0);
  ck_assert_msg(took >= 0.9 && took < 3.0, "took %.2f s", took);
  ::close(lfd);
  // nobody listening at all: refused at once
  ::clock_gettime(CLOCK_MONOTONIC, &t0);
  ck_assert(!ask_ident(lo, 25, lo, 4000, 5, port));
  ck_assert(seconds_since(t0) < 2.0);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("tcp_env");
  TCase* tc = tcase_create("parse_args");
  tcase_add_test(tc, args_default_to_ident_and_keep_program_arguments);
  tcase_add_test(tc, args_read_flags_and_values_in_both_spellings);
  tcase_add_test(tc, args_reject_bad_command_lines);
  suite_add_tcase(s, tc);
  tc = tcase_create("safe_host_name");
  tcase_add_test(tc, host_names_are_lowered_or_dropped);
  suite_add_tcase(s, tc);
  tc = tcase_create("safe_remote_info");
  tcase_add_test(tc, remote_info_is_made_printable);
  suite_add_tcase(s, tc);
  tc = tcase_create("plan_environment");
  tcase_add_test(tc, plan_sets_every_variable_for_a_tcp_socket);
  tcase_add_test(tc, plan_unsets_everything_without_a_socket);
  tcase_add_test(tc, plan_keeps_what_a_tcp_server_set);
  tcase_add_test(tc, plan_lets_the_command_line_override);
  suite_add_tcase(s, tc);
  tc = tcase_create("ask_ident");
  tcase_add_test(tc, ident_reads_the_user_id);
  tcase_add_test(tc, ident_gives_up_at_the_deadline);
  suite_add_tcase(s, tc);
  return s;
}
