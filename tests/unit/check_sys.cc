// Unit tests for src/lib/sys: opening, atomic writes, locks, processes.
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "check_main.h"
#include "check_tmp.h"
#include "io/writer.h"
#include "sys/lock.h"
#include "sys/open.h"
#include "sys/process.h"

using namespace qmail;

namespace {
std::string temp_dir() { return check_tmp::make_dir("check_sys"); }
}  // namespace

START_TEST(open_excl_refuses_existing_file) {
  std::string d = temp_dir();
  auto a = sys::open_excl(d + "/f", 0600);
  ck_assert(a.ok());
  auto b = sys::open_excl(d + "/f", 0600);
  ck_assert(!b.ok());
  ck_assert_int_eq(b.error().errnum, EEXIST);
  ck_assert(b.error().temporary());
  ck_assert_int_ne(fcntl(a->get(), F_GETFD) & FD_CLOEXEC, 0);
}
END_TEST

START_TEST(read_file_reports_missing_and_limits) {
  std::string d = temp_dir();
  std::string out;
  bool found = true;
  ck_assert(sys::read_file(d + "/none", out, 100, &found).ok());
  ck_assert(!found);
  ck_assert(sys::write_file_atomic(d + "/f", "hello world", 0644).ok());
  ck_assert(sys::read_file(d + "/f", out, 100, &found).ok());
  ck_assert(found);
  ck_assert(out == "hello world");
  auto st = sys::read_file(d + "/f", out, 5, &found);
  ck_assert(!st.ok());
  ck_assert(!st.error().temporary());
  struct stat sb;
  ck_assert_int_eq(stat((d + "/f").c_str(), &sb), 0);
  ck_assert_int_eq(sb.st_mode & 0777, 0644);
  ck_assert(!*sys::exists(d + "/f.tmp"));
  ck_assert(sys::sync_dir(d).ok());
}
END_TEST

START_TEST(lock_excludes_another_process) {
  std::string d = temp_dir();
  std::string path = d + "/lock";
  auto fd = sys::open_trunc(path, 0600);
  ck_assert(fd.ok());
  ck_assert(sys::lock_exclusive(fd->get()).ok());
  pid_t pid = fork();
  if (pid == 0) {
    auto other = sys::open_write(path);
    if (!other) _exit(2);
    auto got = sys::try_lock_exclusive(other->get());
    _exit(got.ok() && !*got ? 0 : 1);
  }
  auto st = sys::wait_for(pid);
  ck_assert(st.ok());
  ck_assert(st->exited);
  ck_assert_int_eq(st->code, 0);
  ck_assert(sys::unlock(fd->get()).ok());
}
END_TEST

START_TEST(wait_for_reports_exit_code_and_signal) {
  pid_t pid = fork();
  if (pid == 0) _exit(111);
  auto st = sys::wait_for(pid);
  ck_assert(st->exited);
  ck_assert_int_eq(st->code, 111);
  pid = fork();
  if (pid == 0) {
    sys::exec_argv({"/bin/sh", "-c", "kill -9 $$"});
    _exit(120);
  }
  st = sys::wait_for(pid);
  ck_assert(st->crashed());
  ck_assert_int_eq(st->signal, 9);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("sys");
  TCase* tc = tcase_create("open");
  tcase_add_test(tc, open_excl_refuses_existing_file);
  tcase_add_test(tc, read_file_reports_missing_and_limits);
  suite_add_tcase(s, tc);
  tc = tcase_create("lock");
  tcase_add_test(tc, lock_excludes_another_process);
  suite_add_tcase(s, tc);
  tc = tcase_create("process");
  tcase_add_test(tc, wait_for_reports_exit_code_and_signal);
  suite_add_tcase(s, tc);
  return s;
}
