// Unit tests for src/qmail-start: argv handling, and the pipes between the
// daemons, checked with fake daemons (shell scripts) that pass bytes along
// every pipe, all run under the invoking user's own ids.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>  // before check.h, whose macros upset <ostream>
#include <string>

#include <check.h>

#include "check_main.h"
#include "qmail-start/start.h"

using namespace qmail;
using namespace qmail::start;

namespace {

Ids own_ids() {
  return Ids{::getuid(), ::getuid(), ::getuid(), ::getuid(), ::getgid(), ::getgid()};
}

std::string make_temp_dir() {
  char tmpl[] = "/tmp/check_qmail_start.XXXXXX";
  ck_assert_ptr_nonnull(::mkdtemp(tmpl));
  return tmpl;
}

void write_file(const std::string& path, const std::string& data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::close(fd);
}

std::string read_file(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return out;
  char buf[4096];
  for (int i = 0; i < 100; ++i) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

// Polls (at most 10 s) until `path` holds `needle`.
bool wait_for_text(const std::string& path, const std::string& needle) {
  for (int i = 0; i < 1000; ++i) {
    if (read_file(path).find(needle) != std::string::npos) return true;
    ::usleep(10000);
  }
  return false;
}

// Fake daemons: each spawn says hello on its report pipe and in the log, then
// saves what qmail-send sends it.  The fake qmail-send reads the three hellos
// from fds 2, 4 and 6, answers on 1, 3 and 5, and logs what it got on fd 0.
void install_fakes(const std::string& dir) {
  write_file(dir + "/qmail-lspawn",
             "#!/bin/sh\necho \"lspawn arg=$1 argc=$#\" >&2\nprintf L\n"
             "exec cat > " +
                 dir + "/lspawn.in\n",
             0755);
  write_file(dir + "/qmail-rspawn",
             "#!/bin/sh\necho \"rspawn argc=$#\" >&2\nprintf R\nexec cat > " + dir + "/rspawn.in\n",
             0755);
  write_file(dir + "/qmail-clean",
             "#!/bin/sh\necho \"clean argc=$#\" >&2\nprintf C\nexec cat > " + dir + "/clean.in\n",
             0755);
  write_file(dir + "/qmail-send",
             "#!/bin/sh\n"
             "l=$(head -c 1 <&2); r=$(head -c 1 <&4); c=$(head -c 1 <&6)\n"
             "echo to-lspawn >&1; echo to-rspawn >&3; echo to-clean >&5\n"
             "echo \"send got $l$r$c\" >&0\n",
             0755);
  write_file(dir + "/logger", "#!/bin/sh\nexec cat > \"$1\"\n", 0755);
}

// Runs start() in a child whose stdout is `out`; returns the child's exit status.
int run_start(const Plan& plan, const std::string& out) {
  pid_t pid = ::fork();
  ck_assert_int_ne(pid, -1);
  if (pid == 0) {
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1 || ::dup2(fd, 1) == -1) ::_exit(99);
    ::close(fd);
    Error e = qmail::start::start(plan);
    std::string text = e.text() + "\n";
    (void)!::write(2, text.data(), text.size());
    ::_exit(111);
  }
  int status = 0;
  ck_assert_int_eq(::waitpid(pid, &status, 0), pid);
  return status;
}

void remove_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace

START_TEST(plan_takes_delivery_then_logger) {
  char a0[] = "qmail-start", a1[] = "./Maildir/", a2[] = "splogger", a3[] = "qmail";
  char* argv[] = {a0, a1, a2, a3, nullptr};
  Plan p = plan_from_args(4, argv, "/q/bin", own_ids());
  ck_assert(p.default_delivery == "./Maildir/");
  ck_assert_int_eq(p.logger.size(), 2);
  ck_assert(p.logger[0] == "splogger");
  ck_assert(p.logger[1] == "qmail");
  ck_assert(p.bindir == "/q/bin");
  Plan bare = plan_from_args(1, argv, "/q/bin", own_ids());
  ck_assert(bare.default_delivery == "./Mailbox");
  ck_assert(bare.logger.empty());
  Plan no_logger = plan_from_args(2, argv, "/q/bin", own_ids());
  ck_assert(no_logger.logger.empty());
}
END_TEST

START_TEST(daemons_are_joined_as_hacking_says) {
  std::string dir = make_temp_dir();
  install_fakes(dir);
  char a0[] = "qmail-start", a1[] = "|dot-forward .forward\n./Maildir/";
  std::string logger = dir + "/logger", logfile = dir + "/log";
  char* argv[] = {a0, a1, logger.data(), logfile.data(), nullptr};
  Plan plan = plan_from_args(4, argv, dir, own_ids());
  int status = run_start(plan, dir + "/stdout");
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 0);  // the fake qmail-send's exit
  ck_assert_msg(wait_for_text(logfile, "send got LRC"), "log: %s", read_file(logfile).c_str());
  ck_assert(wait_for_text(logfile, "lspawn arg=|dot-forward .forward\n./Maildir/ argc=1"));
  ck_assert(wait_for_text(logfile, "rspawn argc=0"));
  ck_assert(wait_for_text(logfile, "clean argc=0"));
  ck_assert(wait_for_text(dir + "/lspawn.in", "to-lspawn\n"));
  ck_assert(wait_for_text(dir + "/rspawn.in", "to-rspawn\n"));
  ck_assert(wait_for_text(dir + "/clean.in", "to-clean\n"));
  ck_assert(read_file(dir + "/stdout").empty());
  remove_dir(dir);
}
END_TEST

START_TEST(without_logger_the_log_goes_to_stdout) {
  std::string dir = make_temp_dir();
  install_fakes(dir);
  char a0[] = "qmail-start";
  char* argv[] = {a0, nullptr};
  Plan plan = plan_from_args(1, argv, dir, own_ids());
  int status = run_start(plan, dir + "/stdout");
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 0);
  ck_assert_msg(wait_for_text(dir + "/stdout", "send got LRC"), "stdout: %s",
                read_file(dir + "/stdout").c_str());
  ck_assert(wait_for_text(dir + "/stdout", "lspawn arg=./Mailbox argc=1"));
  remove_dir(dir);
}
END_TEST

START_TEST(missing_qmail_send_exits_111) {
  std::string dir = make_temp_dir();
  install_fakes(dir);
  ck_assert_int_eq(::unlink((dir + "/qmail-send").c_str()), 0);
  char a0[] = "qmail-start";
  char* argv[] = {a0, nullptr};
  Plan plan = plan_from_args(1, argv, dir, own_ids());
  int status = run_start(plan, dir + "/stdout");
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 111);
  remove_dir(dir);
}
END_TEST

START_TEST(ordinary_user_refuses_foreign_ids) {
  pid_t pid = ::fork();
  ck_assert_int_ne(pid, -1);
  if (pid == 0) {
    // As root, become an ordinary user first: that is the case under test.
    if (::geteuid() == 0 && (::setgid(65534) == -1 || ::setuid(65534) == -1)) ::_exit(2);
    Ids ids = own_ids();
    ids.qmailr = ::geteuid() + 1;
    char a0[] = "qmail-start";
    char* argv[] = {a0, nullptr};
    // No programs there: had start() gone on, it would fail differently.
    Error e = qmail::start::start(plan_from_args(1, argv, "/nonexistent/qmail/bin", ids));
    bool refused = e.what.find("not running as root") != std::string::npos && !e.temporary();
    ::_exit(refused ? 0 : 1);
  }
  int status = 0;
  ck_assert_int_eq(::waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_start");
  TCase* tc = tcase_create("plan_from_args");
  tcase_add_test(tc, plan_takes_delivery_then_logger);
  suite_add_tcase(s, tc);
  tc = tcase_create("start");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, daemons_are_joined_as_hacking_says);
  tcase_add_test(tc, without_logger_the_log_goes_to_stdout);
  tcase_add_test(tc, missing_qmail_send_exits_111);
  tcase_add_test(tc, ordinary_user_refuses_foreign_ids);
  suite_add_tcase(s, tc);
  return s;
}
