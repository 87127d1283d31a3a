// Unit tests for src/lib/sys/checkpassword: exit codes, descriptors, the
// environment and the timeout, with small shell scripts as the program.
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <ctime>
#include <string>
#include <vector>

#include "check_main.h"
#include "check_tmp.h"
#include "sys/checkpassword.h"

using namespace qmail;
using qmail::sys::CheckResult;
using qmail::sys::run_checkpassword;

namespace {
double now() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A script in a fresh temporary directory; returns its path.
std::string script(const std::string& body) {
  std::string dir = check_tmp::make_dir("check_checkpassword");
  std::string path = dir + "/prog";
  check_tmp::write_file(path, "#!/bin/sh\n" + body + "\n", 0755);
  return path;
}

CheckResult run(const std::string& body, std::vector<std::string> env = {}, unsigned timeout = 10) {
  auto r = run_checkpassword({script(body)}, "alice", "secret", "extra", timeout, env);
  ck_assert_msg(r.ok(), "run_checkpassword failed: %s", r.ok() ? "" : r.error().text().c_str());
  return *r;
}
}  // namespace

START_TEST(exit_0_accepts) { ck_assert(run("exit 0") == CheckResult::kAccepted); }
END_TEST

START_TEST(exit_1_and_100_reject) {
  ck_assert(run("exit 1") == CheckResult::kRejected);
  ck_assert(run("exit 100") == CheckResult::kRejected);
}
END_TEST

START_TEST(exit_111_and_others_are_temporary) {
  ck_assert(run("exit 111") == CheckResult::kTemporary);
  ck_assert(run("exit 2") == CheckResult::kTemporary);
}
END_TEST

START_TEST(death_by_signal_is_temporary) {
  ck_assert(run("kill -9 $$") == CheckResult::kTemporary);
  ck_assert(run("kill -TERM $$") == CheckResult::kTemporary);
}
END_TEST

START_TEST(missing_program_is_temporary) {
  auto r = run_checkpassword({"/nonexistent/checkpassword"}, "u", "p", "", 5);
  ck_assert(r.ok());
  ck_assert(*r == CheckResult::kTemporary);
  auto none = run_checkpassword({}, "u", "p", "", 5);
  ck_assert(!none.ok());
}
END_TEST

START_TEST(slow_program_is_killed_at_timeout) {
  // (<chrono> cannot be used here: check.h defines a macro named fail.)
  double start = now();
  ck_assert(run("sleep 30", {}, 1) == CheckResult::kTemporary);
  double took = now() - start;
  ck_assert(took >= 0.9);
  ck_assert(took < 3.0);
}
END_TEST

START_TEST(fields_arrive_on_fd_3) {
  ck_assert(run("data=$(tr '\\000' : <&3)\n"
                "[ \"$data\" = alice:secret:extra: ] || exit 1") == CheckResult::kAccepted);
}
END_TEST

START_TEST(large_fields_are_written_whole) {
  // More than a pipe buffer holds at once.
  std::string extra(300000, 'x');
  std::string prog = script("n=$(wc -c <&3)\n[ $n -eq 300007 ] || exit 1");
  auto r = run_checkpassword({prog}, "ab", "cd", extra, 10);
  ck_assert(r.ok());
  ck_assert(*r == CheckResult::kAccepted);
}
END_TEST

START_TEST(program_that_ignores_fd_3_is_fine) {
  // Without SIGPIPE ignored: the runner must not die of its own writes.
  signal(SIGPIPE, SIG_DFL);
  std::string prog = script("exec 3<&-\nsleep 0.2\nexit 0");
  auto r = run_checkpassword({prog}, "ab", "cd", std::string(300000, 'x'), 10);
  ck_assert(r.ok());
  ck_assert(*r == CheckResult::kAccepted);
}
END_TEST

START_TEST(stdin_is_dev_null_and_stdout_goes_to_stderr) {
  std::string dir = check_tmp::make_dir("check_checkpassword");
  std::string log = dir + "/stderr";
  int saved = dup(2);
  ck_assert_int_ge(saved, 0);
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(dup2(fd, 2), 2);
  close(fd);
  CheckResult got = run("if read line; then exit 1; fi\necho to-stdout\necho to-stderr >&2");
  ck_assert_int_eq(dup2(saved, 2), 2);
  close(saved);
  ck_assert(got == CheckResult::kAccepted);
  char buf[100] = {0};
  fd = open(log.c_str(), O_RDONLY);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_gt(read(fd, buf, sizeof buf - 1), 0);
  close(fd);
  ck_assert_str_eq(buf, "to-stdout\nto-stderr\n");
}
END_TEST

START_TEST(env_entries_are_passed_and_override) {
  setenv("QM_TEST_OLD", "old", 1);
  ck_assert(run("[ \"$QM_TEST_NEW\" = \"a b\" ] && [ \"$QM_TEST_OLD\" = new ]",
                {"QM_TEST_NEW=a b", "QM_TEST_OLD=new"}) == CheckResult::kAccepted);
  ck_assert(run("[ \"$QM_TEST_OLD\" = old ]") == CheckResult::kAccepted);
}
END_TEST

START_TEST(arguments_are_passed) {
  std::string prog = script("[ \"$1\" = one ] && [ \"$2\" = \"two words\" ]");
  auto r = run_checkpassword({prog, "one", "two words"}, "u", "p", "", 5);
  ck_assert(r.ok());
  ck_assert(*r == CheckResult::kAccepted);
}
END_TEST

START_TEST(no_descriptor_leaks) {
  int before = dup(0);
  ck_assert_int_ge(before, 0);
  close(before);
  for (int i = 0; i < 3; ++i) (void)run(i == 0 ? "exit 0" : "exit 1");
  int after = dup(0);
  ck_assert_int_eq(after, before);
  close(after);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("checkpassword");
  TCase* tc = tcase_create("run_checkpassword");
  tcase_add_test(tc, exit_0_accepts);
  tcase_add_test(tc, exit_1_and_100_reject);
  tcase_add_test(tc, exit_111_and_others_are_temporary);
  tcase_add_test(tc, death_by_signal_is_temporary);
  tcase_add_test(tc, missing_program_is_temporary);
  tcase_add_test(tc, slow_program_is_killed_at_timeout);
  tcase_add_test(tc, fields_arrive_on_fd_3);
  tcase_add_test(tc, large_fields_are_written_whole);
  tcase_add_test(tc, program_that_ignores_fd_3_is_fine);
  tcase_add_test(tc, stdin_is_dev_null_and_stdout_goes_to_stderr);
  tcase_add_test(tc, env_entries_are_passed_and_override);
  tcase_add_test(tc, arguments_are_passed);
  tcase_add_test(tc, no_descriptor_leaks);
  suite_add_tcase(s, tc);
  return s;
}
