// Unit tests for src/lib/parse/passwd_line: one V7 passwd(5) line.
#include <check.h>

#include <string>

#include "check_main.h"
#include "parse/passwd_line.h"

using namespace qmail;
using namespace qmail::parse;

START_TEST(passwd_line_yields_every_field) {
  auto e = parse_passwd_line("joe:x:1001:100:Joe User,,,:/home/joe:/bin/sh");
  ck_assert(e.ok());
  ck_assert_str_eq(e->user.c_str(), "joe");
  ck_assert_str_eq(e->password.c_str(), "x");
  ck_assert_uint_eq(e->uid, 1001);
  ck_assert_uint_eq(e->gid, 100);
  ck_assert_str_eq(e->gecos.c_str(), "Joe User,,,");
  ck_assert_str_eq(e->home.c_str(), "/home/joe");
  ck_assert_str_eq(e->shell.c_str(), "/bin/sh");
}
END_TEST

START_TEST(passwd_line_keeps_extra_colons_in_the_shell) {
  auto e = parse_passwd_line("joe::1:2:::/bin/sh:extra");
  ck_assert(e.ok());
  ck_assert_str_eq(e->home.c_str(), "");
  ck_assert_str_eq(e->shell.c_str(), "/bin/sh:extra");
  auto empty_shell = parse_passwd_line("joe:x:1:2:g:/h:");
  ck_assert(empty_shell.ok());
  ck_assert_str_eq(empty_shell->shell.c_str(), "");
}
END_TEST

START_TEST(passwd_line_rejects_malformed_lines) {
  ck_assert(!parse_passwd_line("").ok());
  ck_assert(!parse_passwd_line("# comment").ok());
  ck_assert(!parse_passwd_line("joe:x:1001:100:Joe:/home/joe").ok());  // six fields
  ck_assert(!parse_passwd_line(":x:1:1::/:/bin/sh").ok());
  ck_assert(!parse_passwd_line("joe:x:abc:1::/:/bin/sh").ok());
  ck_assert(!parse_passwd_line("joe:x:1:-1::/:/bin/sh").ok());
  ck_assert(!parse_passwd_line("joe:x::1::/:/bin/sh").ok());
  ck_assert(!parse_passwd_line("joe:x:4294967296:1::/:/bin/sh").ok());
  ck_assert(parse_passwd_line("joe:x:4294967295:1::/:/bin/sh").ok());
  ck_assert(!parse_passwd_line(std::string_view("jo\0e:x:1:1::/:/bin/sh", 21)).ok());
  std::string huge = "joe:x:1:1:" + std::string(kMaxPasswdLine, 'g') + ":/:/bin/sh";
  ck_assert(!parse_passwd_line(huge).ok());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_passwd");
  TCase* tc = tcase_create("parse_passwd_line");
  tcase_add_test(tc, passwd_line_yields_every_field);
  tcase_add_test(tc, passwd_line_keeps_extra_colons_in_the_shell);
  tcase_add_test(tc, passwd_line_rejects_malformed_lines);
  suite_add_tcase(s, tc);
  return s;
}
