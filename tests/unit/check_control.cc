// Unit tests for src/lib/control: control-file readers.
#include <check.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "check_main.h"
#include "control/control.h"
#include "io/writer.h"
#include "sys/open.h"

using namespace qmail;

namespace {
std::string temp_file(const std::string& content) {
  char name[] = "/tmp/check_control.XXXXXX";
  int fd = mkstemp(name);
  ck_assert_int_ge(fd, 0);
  ck_assert(io::write_all(fd, content).ok());
  close(fd);
  return name;
}
}  // namespace

START_TEST(read_line_takes_first_line_trimmed) {
  auto path = temp_file("example.org  \t\nsecond\n");
  auto line = control::read_line(path);
  ck_assert(line.ok());
  ck_assert(line->has_value());
  ck_assert_str_eq((*line)->c_str(), "example.org");
  unlink(path.c_str());
}
END_TEST

START_TEST(missing_file_gives_fallback) {
  auto line = control::read_line("/nonexistent/control/me");
  ck_assert(line.ok());
  ck_assert(!line->has_value());
  auto v = control::read_line_or("/nonexistent/control/me", "fallback");
  ck_assert_str_eq(v->c_str(), "fallback");
  auto n = control::read_number("/nonexistent/x", 42);
  ck_assert(*n == 42u);
}
END_TEST

START_TEST(read_lines_skips_blank_and_comment_lines) {
  auto path = temp_file("a.example\n\n# comment\nB.example \n");
  auto lines = control::read_lines(path);
  ck_assert(lines.ok());
  ck_assert_int_eq(lines->size(), 2);
  ck_assert_str_eq((*lines)[1].c_str(), "B.example");
  control::StringSet set(*lines);
  ck_assert(set.contains("b.EXAMPLE"));
  ck_assert(!set.contains("c.example"));
  unlink(path.c_str());
}
END_TEST

START_TEST(read_number_refuses_junk) {
  auto path = temp_file("12x\n");
  ck_assert(!control::read_number(path, 1).ok());
  unlink(path.c_str());
  path = temp_file("604800\n");
  ck_assert(*control::read_number(path, 1) == 604800u);
  unlink(path.c_str());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("control");
  TCase* tc = tcase_create("read");
  tcase_add_test(tc, read_line_takes_first_line_trimmed);
  tcase_add_test(tc, missing_file_gives_fallback);
  tcase_add_test(tc, read_lines_skips_blank_and_comment_lines);
  tcase_add_test(tc, read_number_refuses_junk);
  suite_add_tcase(s, tc);
  return s;
}
