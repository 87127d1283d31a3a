// Unit tests for qmail-clean: its requests and the sweep of stale pid/ files,
// in a temporary queue directory.
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cstdlib>
#include <string>

#include "qmail-clean/clean.h"

// check.h defines macros (fail) that break standard headers: it comes last.
#include <check.h>

#include "check_main.h"

using namespace qmail::clean;

namespace {
char g_dir[] = "/tmp/check_clean.XXXXXX";

void enter_temp_queue() {
  ck_assert(mkdtemp(g_dir) != nullptr);
  ck_assert_int_eq(chdir(g_dir), 0);
  for (const char* d : {"mess", "mess/3", "intd", "todo", "pid"})
    ck_assert_int_eq(mkdir(d, 0700), 0);
}

int remove_one(const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }
void leave_temp_queue() {
  if (chdir("/") == 0) nftw(g_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void touch(const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT, 0600);
  ck_assert(fd >= 0);
  close(fd);
}
bool exists(const char* path) { return access(path, F_OK) == 0; }
}  // namespace

START_TEST(foop_removes_intd_and_mess) {
  enter_temp_queue();
  touch("mess/3/26");  // 26 % 23 == 3
  touch("intd/26");
  touch("todo/26");
  ck_assert_int_eq(handle_request("foop/26", 23), '+');
  ck_assert(!exists("mess/3/26"));
  ck_assert(!exists("intd/26"));
  ck_assert(exists("todo/26"));
  ck_assert_int_eq(handle_request("foop/26", 23), '+');  // already gone is fine
}
END_TEST

START_TEST(todo_removes_intd_and_todo) {
  enter_temp_queue();
  touch("mess/3/26");
  touch("intd/26");
  touch("todo/26");
  ck_assert_int_eq(handle_request("todo/26", 23), '+');
  ck_assert(!exists("todo/26"));
  ck_assert(!exists("intd/26"));
  ck_assert(exists("mess/3/26"));
}
END_TEST

START_TEST(trouble_is_reported) {
  enter_temp_queue();
  ck_assert_int_eq(mkdir("todo/27", 0700), 0);
  touch("todo/27/x");  // a non-empty directory cannot be unlinked
  ck_assert_int_eq(handle_request("todo/27", 23), '!');
}
END_TEST

START_TEST(nonsense_is_unintelligible) {
  enter_temp_queue();
  touch("todo/5");
  for (const char* bad : {"", "todo/", "todo/x", "todo/5x", "todo/-5", "mess/5", "foop5",
                          "todo/../5", "todo/99999999999999999999999"})
    ck_assert_msg(handle_request(bad, 23) == 'x', "%s", bad);
  ck_assert(exists("todo/5"));
}
END_TEST

START_TEST(only_old_pid_files_are_swept) {
  enter_temp_queue();
  touch("pid/old");
  touch("pid/new");
  std::time_t now = std::time(nullptr);
  struct utimbuf old = {now - 37 * 3600, now - 37 * 3600};
  ck_assert_int_eq(utime("pid/old", &old), 0);
  ck_assert_uint_eq(remove_stale_pids(now), 1);
  ck_assert(!exists("pid/old"));
  ck_assert(exists("pid/new"));
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_clean");
  TCase* req = tcase_create("handle_request");
  tcase_add_checked_fixture(req, nullptr, leave_temp_queue);
  tcase_add_test(req, foop_removes_intd_and_mess);
  tcase_add_test(req, todo_removes_intd_and_todo);
  tcase_add_test(req, trouble_is_reported);
  tcase_add_test(req, nonsense_is_unintelligible);
  suite_add_tcase(s, req);
  TCase* pid = tcase_create("remove_stale_pids");
  tcase_add_checked_fixture(pid, nullptr, leave_temp_queue);
  tcase_add_test(pid, only_old_pid_files_are_swept);
  suite_add_tcase(s, pid);
  return s;
}
