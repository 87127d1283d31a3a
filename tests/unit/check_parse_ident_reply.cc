// Unit tests for src/lib/parse/ident_reply: RFC 1413 replies as tcp-env -r
// reads them.
#include <check.h>

#include "check_main.h"
#include "parse/ident_reply.h"

/// Compares as strings, holding both values while Check looks at them.
#define expect_eq(got, want)                       \
  do {                                             \
    std::string got_ = (got);                      \
    std::string want_ = (want);                    \
    ck_assert_str_eq(got_.c_str(), want_.c_str()); \
  } while (0)

using namespace qmail;
using namespace qmail::parse;

namespace {
std::string user_of(std::string_view line) {
  auto r = parse_ident_reply(line, 6191, 23);
  return r ? *r : "(error: " + r.error().what + ")";
}
bool rejected(std::string_view line) {
  auto r = parse_ident_reply(line, 6191, 23);
  return !r.ok() && !r.error().temporary();
}
}  // namespace

START_TEST(reply_gives_the_user_id) {
  expect_eq(user_of("6191, 23 : USERID : UNIX : stjohns\r\n"), "stjohns");
  expect_eq(user_of("6191,23:USERID:UNIX:stjohns"), "stjohns");
  expect_eq(user_of("  6191 ,\t23 : userid : UNIX , US-ASCII :  joe  \n"), "joe");
  // the user-id is everything after the third colon, colons and blanks inside kept
  expect_eq(user_of("6191 , 23 : USERID : OTHER :a:b c\r\n"), "a:b c");
  expect_eq(user_of("6191 , 23 : USERID : UNIX : \xc3\xa9t\xc3\xa9\r\n"), "\xc3\xa9t\xc3\xa9");
}
END_TEST

START_TEST(reply_for_another_connection_is_rejected) {
  ck_assert(rejected("6192 , 23 : USERID : UNIX : joe\r\n"));
  ck_assert(rejected("6191 , 24 : USERID : UNIX : joe\r\n"));
  ck_assert(rejected("23 , 6191 : USERID : UNIX : joe\r\n"));
  ck_assert(rejected("06191x , 23 : USERID : UNIX : joe\r\n"));
  ck_assert(rejected("165727 , 23 : USERID : UNIX : joe\r\n"));
}
END_TEST

START_TEST(errors_and_malformed_replies_are_rejected) {
  const char* bad[] = {
      "6191 , 23 : ERROR : NO-USER\r\n",
      "6191 , 23 : ERROR : HIDDEN-USER : x\r\n",
      "",
      "\r\n",
      "6191 23 : USERID : UNIX : joe\r\n",
      "6191 , 23 : USERID : UNIX\r\n",
      "6191 , 23 : USERID : : joe\r\n",
      "6191 , 23 : USERID : UNIX :   \r\n",
      "6191 , 23 USERID UNIX joe\r\n",
      "6191 , 23 : USERID : UNIX : jo\re\r\n",
  };
  for (const char* b : bad) ck_assert_msg(rejected(b), "accepted \"%s\"", b);
  ck_assert(rejected(std::string_view("6191 , 23 : USERID : UNIX : jo\0e", 32)));
}
END_TEST

START_TEST(limits_follow_rfc_1413) {
  std::string head = "6191 , 23 : USERID : UNIX : ";
  std::string ok = head + std::string(kMaxIdentUserId, 'u') + "\r\n";
  expect_eq(user_of(ok), std::string(kMaxIdentUserId, 'u'));
  ck_assert(rejected(head + std::string(kMaxIdentUserId + 1, 'u') + "\r\n"));
  ck_assert(rejected(head + std::string(kMaxIdentLine, ' ') + "u\r\n"));
}
END_TEST

START_TEST(query_names_both_ports) { expect_eq(ident_query(6191, 23), "6191 , 23\r\n"); }
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_ident_reply");
  TCase* tc = tcase_create("parse_ident_reply");
  tcase_add_test(tc, reply_gives_the_user_id);
  tcase_add_test(tc, reply_for_another_connection_is_rejected);
  tcase_add_test(tc, errors_and_malformed_replies_are_rejected);
  tcase_add_test(tc, limits_follow_rfc_1413);
  suite_add_tcase(s, tc);
  tc = tcase_create("ident_query");
  tcase_add_test(tc, query_names_both_ports);
  suite_add_tcase(s, tc);
  return s;
}
