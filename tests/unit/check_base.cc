// Unit tests for src/lib/base: Result, Fd, str.
#include <check.h>
#include <fcntl.h>

#include "base/date822.h"
#include "base/fd.h"
#include "base/result.h"
#include "base/str.h"
#include "check_main.h"

using namespace qmail;

START_TEST(result_holds_value_or_error) {
  Result<int> good = 5;
  ck_assert(good.ok());
  ck_assert_int_eq(*good, 5);
  Result<int> bad = perm_error("nope");
  ck_assert(!bad.ok());
  ck_assert(!bad.error().temporary());
  std::string text = bad.error().text();
  ck_assert_str_eq(text.c_str(), "nope");
}
END_TEST

START_TEST(error_text_appends_strerror) {
  Error e{ErrorKind::kTemporary, ENOENT, "unable to open x"};
  std::string text = e.text();
  ck_assert_str_eq(text.c_str(), "unable to open x: No such file or directory");
  ck_assert(e.temporary());
}
END_TEST

START_TEST(fd_closes_on_destruction_and_moves) {
  int raw;
  {
    Fd a(::open("/dev/null", O_RDONLY));
    raw = a.get();
    ck_assert(a.valid());
    Fd b(std::move(a));
    ck_assert(!a.valid());
    ck_assert_int_eq(b.get(), raw);
  }
  ck_assert_int_eq(fcntl(raw, F_GETFD), -1);
}
END_TEST

START_TEST(scan_u64_rejects_junk_and_overflow) {
  ck_assert(scan_u64("12345").value() == 12345u);
  ck_assert(!scan_u64(""));
  ck_assert(!scan_u64("12a"));
  ck_assert(!scan_u64("-1"));
  ck_assert(!scan_u64("99999999999999999999999"));
  ck_assert(scan_u64("18446744073709551615").value() == 18446744073709551615ull);
}
END_TEST

START_TEST(fmt_u64_and_case_helpers) {
  ck_assert(fmt_u64(0) == "0");
  ck_assert(fmt_u64(4294967296ull) == "4294967296");
  ck_assert(ascii_lower("HeLLo.COM") == "hello.com");
  ck_assert(ascii_iequal("Example.ORG", "example.org"));
  ck_assert(!ascii_iequal("a", "ab"));
  ck_assert(trim_right("abc \t\r") == "abc");
  ck_assert(trim("  x  ") == "x");
}
END_TEST

START_TEST(dates_are_formatted_in_utc) {
  ck_assert(date822(0) == "1 Jan 1970 00:00:00 -0000");
  ck_assert(date822(1795248276) == "21 Nov 2026 08:04:36 -0000");
  ck_assert(date_asctime(1795248276) == "Sat Nov 21 08:04:36 2026");
  ck_assert(date_asctime(0) == "Thu Jan  1 00:00:00 1970");
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("base");
  TCase* tc = tcase_create("result");
  tcase_add_test(tc, result_holds_value_or_error);
  tcase_add_test(tc, error_text_appends_strerror);
  suite_add_tcase(s, tc);
  tc = tcase_create("fd");
  tcase_add_test(tc, fd_closes_on_destruction_and_moves);
  suite_add_tcase(s, tc);
  tc = tcase_create("str");
  tcase_add_test(tc, scan_u64_rejects_junk_and_overflow);
  tcase_add_test(tc, fmt_u64_and_case_helpers);
  suite_add_tcase(s, tc);
  tc = tcase_create("date822");
  tcase_add_test(tc, dates_are_formatted_in_utc);
  suite_add_tcase(s, tc);
  return s;
}
