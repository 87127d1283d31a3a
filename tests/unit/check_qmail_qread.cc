// Unit tests for src/qmail-qread and src/qmail-qstat: list_queue() and
// count_queue() on a temporary queue tree with whole, half-written and
// damaged message files.
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "base/auto.h"
#include "check_main.h"
#include "check_tmp.h"
#include "qmail-qread/qread.h"
#include "qmail-qstat/qstat.h"
#include "sys/open.h"

using namespace qmail;
using namespace std::string_literals;

namespace {

const unsigned kSplit = autoconf::kSplit;

struct TempQueue {
  std::string dir;
  TempQueue() : dir(check_tmp::make_dir("check_qmail_qread")) {
    check_tmp::make_queue_tree(dir, kSplit, false);
  }
  void put(const std::string& rel, const std::string& data) const {
    std::string p = dir + "/" + rel;
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert(fd >= 0);
    ck_assert_int_eq(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    ::close(fd);
  }
  // A message file set: dir is "info", "mess", "local" or "remote".
  void put_split(const char* d, std::uint64_t id, const std::string& data) const {
    put(std::string(d) + "/" + std::to_string(id % kSplit) + "/" + std::to_string(id), data);
  }
  void stamp(const std::string& rel, std::time_t t) const {
    struct timeval tv[2] = {{t, 0}, {t, 0}};
    ck_assert_int_eq(::utimes((dir + "/" + rel).c_str(), tv), 0);
  }
};

// Runs `f(out_fd, err_fd)` and returns its code, with what it wrote.
template <class F>
int capture(const TempQueue& q, F f, std::string& out, std::string& err) {
  std::string po = q.dir + "/out.XXXXXX", pe = q.dir + "/err.XXXXXX";
  int o = ::mkstemp(po.data());
  int e = ::mkstemp(pe.data());
  ck_assert(o >= 0 && e >= 0);
  int code = f(o, e);
  ::close(o);
  ::close(e);
  bool found = false;
  ck_assert(sys::read_file(po, out, 1 << 20, &found).ok());
  ck_assert(sys::read_file(pe, err, 1 << 20, &found).ok());
  ::unlink(po.c_str());
  ::unlink(pe.c_str());
  return code;
}

std::string info_path(std::uint64_t id) {
  return "info/" + std::to_string(id % kSplit) + "/" + std::to_string(id);
}

}  // namespace

START_TEST(qread_lists_messages_and_recipients) {
  TempQueue q;
  q.put_split("info", 100, "Fjoe@a.example\0"s);
  q.put_split("mess", 100, std::string(50, 'm'));
  q.put_split("local", 100, "Tbob@b.example\0Dann@c.example\0"s);
  q.put_split("remote", 100, "Dx@y.example\0Tz@w.example\0"s);
  q.stamp(info_path(100), 1795248276);
  q.put_split("info", 47, "F\0"s);
  q.put_split("mess", 47, "");
  q.put("bounce/47", "x@y\0oops\0"s);
  q.stamp(info_path(47), 0);
  std::string out, err;
  int code = capture(
      q, [&](int o, int e) { return qread::list_queue(q.dir, o, e); }, out, err);
  ck_assert_int_eq(code, 0);
  ck_assert_str_eq(out.c_str(),
                   "1 Jan 1970 00:00:00 GMT  #47  0  <>  bouncing\n"
                   "21 Nov 2026 08:04:36 GMT  #100  50  <joe@a.example> \n"
                   "\tlocal\tbob@b.example\n"
                   "  done\tlocal\tann@c.example\n"
                   "  done\tremote\tx@y.example\n"
                   "\tremote\tz@w.example\n");
  ck_assert_str_eq(err.c_str(), "");
}
END_TEST

START_TEST(qread_survives_damaged_and_half_written_files) {
  TempQueue q;
  q.put("info/0/junk", "Fjunk\0"s);             // not a message number: skipped
  q.put_split("info", 24, "Fa\tb\x7f\xff\0"s);  // unprintable bytes in the sender
  q.put_split("mess", 24, "12345");
  q.put_split("remote", 24, "Tok@x\0Xodd\0\0T\x01@x\0Tcut-sh"s);  // odd, empty, cut records
  q.put_split("local", 24, std::string(200000, 'T'));             // one record past the limit
  q.stamp(info_path(24), 0);
  q.put_split("info", 25, "Fgone@x\0"s);  // info without its mess file
  q.put_split("info", 26, "");            // info being written
  q.put_split("mess", 26, "");
  q.stamp(info_path(26), 0);
  std::string out, err;
  int code = capture(
      q, [&](int o, int e) { return qread::list_queue(q.dir, o, e); }, out, err);
  ck_assert_int_eq(code, 0);
  ck_assert_str_eq(out.c_str(),
                   "1 Jan 1970 00:00:00 GMT  #24  5  <a_b__> \n"
                   "\tremote\tok@x\n"
                   "\tremote\t_@x\n"
                   "1 Jan 1970 00:00:00 GMT  #26  0  <> \n");
  ck_assert(err.find("qmail-qread: warning: trouble with #24: unable to read " + q.dir +
                     "/local/1/24: line too long\n") == 0);
  ck_assert(err.find("qmail-qread: warning: trouble with #25: unable to stat ") !=
            std::string::npos);
}
END_TEST

START_TEST(qread_without_a_queue_is_fatal) {
  TempQueue q;
  std::string out, err;
  int code = capture(
      q, [&](int o, int e) { return qread::list_queue(q.dir + "/nowhere", o, e); }, out, err);
  ck_assert_int_eq(code, 111);
  ck_assert(err.find("qmail-qread: fatal: unable to opendir ") == 0);
  ck_assert(err.find("No such file or directory\n") != std::string::npos);
}
END_TEST

START_TEST(qstat_counts_messages_and_todo) {
  TempQueue q;
  q.put_split("mess", 100, "x");
  q.put_split("mess", 47, "x");
  q.put_split("mess", 555, "x");
  q.put("mess/README", "not a subdirectory");
  q.put("todo/555", "u1\0p2\0F\0"s);
  q.put("intd/555", "u1\0p2\0F\0"s);
  std::string out, err;
  int code = capture(
      q, [&](int o, int e) { return qstat::count_queue(q.dir, o, e); }, out, err);
  ck_assert_int_eq(code, 0);
  ck_assert_str_eq(out.c_str(),
                   "messages in queue: 3\nmessages in queue but not yet preprocessed: 1\n");
  ck_assert_str_eq(err.c_str(), "");
}
END_TEST

START_TEST(qstat_of_an_empty_queue_says_zero) {
  TempQueue q;
  std::string out, err;
  ck_assert_int_eq(capture(
                       q, [&](int o, int e) { return qstat::count_queue(q.dir, o, e); }, out, err),
                   0);
  ck_assert_str_eq(out.c_str(),
                   "messages in queue: 0\nmessages in queue but not yet preprocessed: 0\n");
}
END_TEST

START_TEST(qstat_without_todo_is_fatal) {
  TempQueue q;
  ck_assert_int_eq(::rmdir((q.dir + "/todo").c_str()), 0);
  std::string out, err;
  int code = capture(
      q, [&](int o, int e) { return qstat::count_queue(q.dir, o, e); }, out, err);
  ck_assert_int_eq(code, 111);
  ck_assert_str_eq(out.c_str(), "");
  ck_assert(err.find("qmail-qstat: fatal: unable to opendir ") == 0);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_qread");
  TCase* qr = tcase_create("list_queue");
  tcase_add_test(qr, qread_lists_messages_and_recipients);
  tcase_add_test(qr, qread_survives_damaged_and_half_written_files);
  tcase_add_test(qr, qread_without_a_queue_is_fatal);
  suite_add_tcase(s, qr);
  TCase* qs = tcase_create("count_queue");
  tcase_add_test(qs, qstat_counts_messages_and_todo);
  tcase_add_test(qs, qstat_of_an_empty_queue_says_zero);
  tcase_add_test(qs, qstat_without_todo_is_fatal);
  suite_add_tcase(s, qs);
  return s;
}
