// Unit tests for src/lib/mailbox (header lines, >From quoting, maildir and
// mbox writers) and for maildir2mbox, in temporary directories.
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "check_main.h"
#include "check_tmp.h"
#include "mailbox/lines.h"
#include "mailbox/maildir.h"
#include "mailbox/mbox.h"
#include "maildir2mbox/maildir2mbox.h"

using namespace qmail;
using namespace qmail::mailbox;

namespace {
std::string make_temp_dir() { return check_tmp::make_dir("check_mailbox"); }

void write_file(const std::string& path, const std::string& data) {
  check_tmp::write_file(path, data, 0600);
}

std::string read_file(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return "<missing>";
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

// A message file opened for reading, as qmail-local gets it on fd 0.
int message_fd(const std::string& dir, const std::string& text) {
  write_file(dir + "/msg", text);
  int fd = ::open((dir + "/msg").c_str(), O_RDONLY);
  ck_assert_int_ge(fd, 0);
  return fd;
}

std::size_t count_files(const std::string& dir) {
  std::size_t n = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

void make_maildir(const std::string& dir) {
  ck_assert_int_eq(::mkdir(dir.c_str(), 0700), 0);
  for (const char* sub : {"/tmp", "/new", "/cur"})
    ck_assert_int_eq(::mkdir((dir + sub).c_str(), 0700), 0);
}

std::string quote_all(std::string_view in) {
  FromQuoter q;
  std::string out;
  q.feed(in, out);
  q.finish(out);
  return out;
}

std::string quote_bytewise(std::string_view in) {
  FromQuoter q;
  std::string out;
  for (char c : in) q.feed(std::string_view(&c, 1), out);
  q.finish(out);
  return out;
}

// Limits file size to `bytes` so that writes fail with EFBIG, as on a full disk.
void limit_file_size(rlim_t bytes) {
  ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit rl = {bytes, bytes};
  ck_assert_int_eq(::setrlimit(RLIMIT_FSIZE, &rl), 0);
}
}  // namespace

START_TEST(lines_quote_and_sanitise) {
  ck_assert(quote_address("joe@example.org") == "joe@example.org");
  ck_assert(quote_address("") == "");
  ck_assert(quote_address("#@[]") == "#@[]");
  ck_assert(quote_address("a b@example.org") == "\"a b\"@example.org");
  ck_assert(quote_address("a.@x") == "\"a.\"@x");
  ck_assert(quote_address("a..b@x") == "\"a..b\"@x");
  ck_assert(quote_address("q\"x@y@z") == "\"q\\\"x@y\"@z");
  ck_assert(return_path_line("joe@example.org") == "Return-Path: <joe@example.org>\n");
  ck_assert(return_path_line("") == "Return-Path: <>\n");
  ck_assert(return_path_line("a\nb@x") == "Return-Path: <\"a\\_b\"@x>\n");
  ck_assert(delivered_to_line("joe@example.com") == "Delivered-To: joe@example.com\n");
  ck_assert(delivered_to_line("x\ny@z") == "Delivered-To: x_y@z\n");
  ck_assert(mbox_from_line("", 0) == "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n");
  ck_assert(mbox_from_line("a b\tc@d", 0) == "From a-b-c@d Thu Jan  1 00:00:00 1970\n");
}
END_TEST

START_TEST(quoter_quotes_from_lines_and_ends_with_blank_line) {
  ck_assert(quote_all("") == "\n");
  ck_assert(quote_all("a\n") == "a\n\n");
  ck_assert(quote_all("partial") == "partial\n\n");
  ck_assert(quote_all("From x\n") == ">From x\n\n");
  ck_assert(quote_all("a\nFrom x\n>From y\n>>From z\nFromage\n From q\n") ==
            "a\n>From x\n>>From y\n>>>From z\nFromage\n From q\n\n");
  ck_assert(quote_all("Fro") == "Fro\n\n");
  ck_assert(quote_all(">>") == ">>\n\n");
  ck_assert(quote_all("x From y\n") == "x From y\n\n");
  ck_assert(quote_all("Frm\n") == "Frm\n\n");
}
END_TEST

START_TEST(quoter_does_not_depend_on_chunking) {
  const std::string inputs[] = {"From a\n>From b\n>>>x\nFr\nFromFrom \nlast From ",
                                ">>>>From \n\n\nFrom", "F\nFr\nFro\nFrom\nFrom \n"};
  for (const auto& in : inputs) ck_assert(quote_all(in) == quote_bytewise(in));
}
END_TEST

START_TEST(return_path_sender_reads_qmail_lines) {
  ck_assert(*return_path_sender("Return-Path: <joe@x>") == "joe@x");
  ck_assert(*return_path_sender("Return-Path: <>") == "");
  ck_assert(*return_path_sender("Return-Path: <a@b>\r") == "a@b");
  ck_assert(!return_path_sender("Received: from x"));
  ck_assert(!return_path_sender("Return-Path: <joe@x"));
}
END_TEST

START_TEST(unique_names_follow_the_maildir_form) {
  ck_assert(maildir_unique_name(1700000000, 42, 1234, 7, "host.example") ==
            "1700000000.M42P1234Q7.host.example");
  ck_assert(maildir_unique_name(1, 0, 2, 3, "a/b:c") == "1.M0P2Q3.a\\057b\\072c");
}
END_TEST

START_TEST(maildir_delivery_lands_in_new) {
  std::string dir = make_temp_dir();
  make_maildir(dir + "/Maildir");
  int fd = message_fd(dir, "Subject: hi\n\nFrom body\n");
  ck_assert_int_eq(::lseek(fd, 0, SEEK_SET), 0);
  MaildirFailure why;
  auto name =
      deliver_to_maildir(dir + "/Maildir", "Return-Path: <a@b>\nDelivered-To: c@d\n", fd, &why);
  ck_assert(name.ok());
  ck_assert(why == MaildirFailure::kNone);
  ck_assert(name->rfind("new/", 0) == 0);
  ck_assert(read_file(dir + "/Maildir/" + *name) ==
            "Return-Path: <a@b>\nDelivered-To: c@d\nSubject: hi\n\nFrom body\n");
  ck_assert_uint_eq(count_files(dir + "/Maildir/tmp"), 0);
  ck_assert_uint_eq(count_files(dir + "/Maildir/new"), 1);
  // A second delivery gets a different name.
  ck_assert_int_eq(::lseek(fd, 0, SEEK_SET), 0);
  auto second = deliver_to_maildir(dir + "/Maildir", "", fd, &why);
  ck_assert(second.ok());
  ck_assert(*second != *name);
  ck_assert_uint_eq(count_files(dir + "/Maildir/new"), 2);
  ::close(fd);
}
END_TEST

START_TEST(maildir_missing_directory_is_reported) {
  std::string dir = make_temp_dir();
  int fd = message_fd(dir, "x\n");
  MaildirFailure why;
  auto name = deliver_to_maildir(dir + "/nope", "", fd, &why);
  ck_assert(!name.ok());
  ck_assert(name.error().temporary());
  ck_assert(why == MaildirFailure::kDirectory);
  ::close(fd);
}
END_TEST

START_TEST(maildir_full_disk_removes_tmp_file) {
  std::string dir = make_temp_dir();
  make_maildir(dir + "/Maildir");
  int fd = message_fd(dir, std::string(200000, 'x'));
  limit_file_size(100000);
  MaildirFailure why;
  auto name = deliver_to_maildir(dir + "/Maildir", "Return-Path: <>\n", fd, &why);
  ck_assert(!name.ok());
  ck_assert(why == MaildirFailure::kWrite);
  ck_assert_uint_eq(count_files(dir + "/Maildir/tmp"), 0);
  ck_assert_uint_eq(count_files(dir + "/Maildir/new"), 0);
  ::close(fd);
}
END_TEST

START_TEST(mbox_append_writes_from_line_and_quotes) {
  std::string dir = make_temp_dir();
  int fd = message_fd(dir, "Subject: s\n\nFrom here\nno newline");
  MboxFailure why;
  const std::string head = "From a@b Thu Jan  1 00:00:00 1970\nReturn-Path: <a@b>\n";
  ck_assert(append_to_mbox(dir + "/Mailbox", head, fd, 1, &why).ok());
  ck_assert(why == MboxFailure::kNone);
  struct stat st;
  ck_assert_int_eq(::stat((dir + "/Mailbox").c_str(), &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  std::string one = head + "Subject: s\n\n>From here\nno newline\n\n";
  ck_assert(read_file(dir + "/Mailbox") == one);
  ck_assert_int_eq(::lseek(fd, 0, SEEK_SET), 0);
  ck_assert(append_to_mbox(dir + "/Mailbox", head, fd, 1, &why).ok());
  ck_assert(read_file(dir + "/Mailbox") == one + one);
  ::close(fd);
}
END_TEST

START_TEST(mbox_failure_truncates_back) {
  std::string dir = make_temp_dir();
  const std::string old = "From x Thu Jan  1 00:00:00 1970\nold message\n\n";
  write_file(dir + "/Mailbox", old);
  int fd = message_fd(dir, std::string(300000, 'y'));
  limit_file_size(150000);
  MboxFailure why;
  auto st = append_to_mbox(dir + "/Mailbox", "From a Thu Jan  1 00:00:00 1970\n", fd, 1, &why);
  ck_assert(!st.ok());
  ck_assert(st.error().temporary());
  ck_assert(why == MboxFailure::kWrite);
  ck_assert(read_file(dir + "/Mailbox") == old);
  ::close(fd);
}
END_TEST

START_TEST(mbox_lock_held_elsewhere_times_out) {
  std::string dir = make_temp_dir();
  std::string path = dir + "/Mailbox";
  write_file(path, "");
  int ready[2];
  ck_assert_int_eq(::pipe(ready), 0);
  pid_t child = ::fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) _exit(1);
    (void)!::write(ready[1], "x", 1);
    ::sleep(10);  // killed by the parent long before
    _exit(0);
  }
  char c;
  ck_assert_int_eq(::read(ready[0], &c, 1), 1);
  int fd = message_fd(dir, "m\n");
  MboxFailure why;
  auto st = append_to_mbox(path, "From a Thu Jan  1 00:00:00 1970\n", fd, 1, &why);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ck_assert(!st.ok());
  ck_assert(why == MboxFailure::kLockTimeout);
  ck_assert(read_file(path).empty());
  ::close(fd);
}
END_TEST

START_TEST(scan_sorts_by_date_and_skips_dotfiles) {
  std::string dir = make_temp_dir();
  make_maildir(dir + "/M");
  write_file(dir + "/M/new/b", "b");
  write_file(dir + "/M/cur/a:2,S", "a");
  write_file(dir + "/M/new/.hidden", "h");
  struct timeval old[2] = {{1000, 0}, {1000, 0}};
  ck_assert_int_eq(::utimes((dir + "/M/cur/a:2,S").c_str(), old), 0);
  auto e = scan_maildir(dir + "/M");
  ck_assert(e.ok());
  ck_assert_uint_eq(e->size(), 2);
  ck_assert((*e)[0].name == "cur/a:2,S");
  ck_assert((*e)[1].name == "new/b");
  ck_assert(!scan_maildir(dir + "/none").ok());
}
END_TEST

START_TEST(clean_removes_only_stale_tmp_files) {
  std::string dir = make_temp_dir();
  make_maildir(dir + "/M");
  write_file(dir + "/M/tmp/stale", "s");
  write_file(dir + "/M/tmp/fresh", "f");
  struct timeval old[2] = {{1000, 0}, {1000, 0}};
  ck_assert_int_eq(::utimes((dir + "/M/tmp/stale").c_str(), old), 0);
  clean_maildir_tmp(dir + "/M", ::time(nullptr));
  ck_assert(read_file(dir + "/M/tmp/stale") == "<missing>");
  ck_assert(read_file(dir + "/M/tmp/fresh") == "f");
}
END_TEST

START_TEST(maildir2mbox_moves_messages_in_order) {
  std::string dir = make_temp_dir();
  make_maildir(dir + "/M");
  write_file(dir + "/Mailbox", "From old Thu Jan  1 00:00:00 1970\nold\n\n");
  write_file(dir + "/M/new/2", "Return-Path: <joe@x.org>\nSubject: two\n\nFrom me\n");
  write_file(dir + "/M/cur/1:2,S", "Return-Path: <>\nSubject: one\n");
  write_file(dir + "/M/new/3", "Subject: three\n");
  struct timeval t1[2] = {{0, 0}, {0, 0}}, t2[2] = {{60, 0}, {60, 0}}, t3[2] = {{120, 0}, {120, 0}};
  ck_assert_int_eq(::utimes((dir + "/M/cur/1:2,S").c_str(), t1), 0);
  ck_assert_int_eq(::utimes((dir + "/M/new/2").c_str(), t2), 0);
  ck_assert_int_eq(::utimes((dir + "/M/new/3").c_str(), t3), 0);
  std::vector<std::string> warnings;
  auto st =
      maildir2mbox::move_to_mbox({dir + "/M", dir + "/Mailbox", dir + "/Mailbox.tmp"}, warnings);
  ck_assert_msg(st.ok(), "%s", st.ok() ? "" : st.error().text().c_str());
  ck_assert(warnings.empty());
  ck_assert(read_file(dir + "/Mailbox") ==
            "From old Thu Jan  1 00:00:00 1970\nold\n\n"
            "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nReturn-Path: <>\nSubject: one\n\n"
            "From joe@x.org Thu Jan  1 00:01:00 1970\nReturn-Path: <joe@x.org>\n"
            "Subject: two\n\n>From me\n\n"
            "From XXX Thu Jan  1 00:02:00 1970\nSubject: three\n\n");
  ck_assert_uint_eq(count_files(dir + "/M/new"), 0);
  ck_assert_uint_eq(count_files(dir + "/M/cur"), 0);
  ck_assert(read_file(dir + "/Mailbox.tmp") == "<missing>");
}
END_TEST

START_TEST(maildir2mbox_with_nothing_new_leaves_mbox_alone) {
  std::string dir = make_temp_dir();
  make_maildir(dir + "/M");
  std::vector<std::string> warnings;
  ck_assert(maildir2mbox::move_to_mbox({dir + "/M", dir + "/Mailbox", dir + "/T"}, warnings).ok());
  ck_assert(read_file(dir + "/Mailbox") == "<missing>");
  ck_assert(
      !maildir2mbox::move_to_mbox({dir + "/none", dir + "/Mailbox", dir + "/T"}, warnings).ok());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("mailbox");
  TCase* tc = tcase_create("lines");
  tcase_add_test(tc, lines_quote_and_sanitise);
  suite_add_tcase(s, tc);
  tc = tcase_create("from_quoter");
  tcase_add_test(tc, quoter_quotes_from_lines_and_ends_with_blank_line);
  tcase_add_test(tc, quoter_does_not_depend_on_chunking);
  tcase_add_test(tc, return_path_sender_reads_qmail_lines);
  suite_add_tcase(s, tc);
  tc = tcase_create("maildir");
  tcase_add_test(tc, unique_names_follow_the_maildir_form);
  tcase_add_test(tc, maildir_delivery_lands_in_new);
  tcase_add_test(tc, maildir_missing_directory_is_reported);
  tcase_add_test(tc, maildir_full_disk_removes_tmp_file);
  tcase_add_test(tc, scan_sorts_by_date_and_skips_dotfiles);
  tcase_add_test(tc, clean_removes_only_stale_tmp_files);
  suite_add_tcase(s, tc);
  tc = tcase_create("mbox");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, mbox_append_writes_from_line_and_quotes);
  tcase_add_test(tc, mbox_failure_truncates_back);
  tcase_add_test(tc, mbox_lock_held_elsewhere_times_out);
  suite_add_tcase(s, tc);
  tc = tcase_create("maildir2mbox");
  tcase_add_test(tc, maildir2mbox_moves_messages_in_order);
  tcase_add_test(tc, maildir2mbox_with_nothing_new_leaves_mbox_alone);
  suite_add_tcase(s, tc);
  return s;
}
