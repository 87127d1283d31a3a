// Unit tests for src/lib/parse/rfc822_header: splitting a message's header.
#include <check.h>

#include <string>

#include "check_main.h"
#include "parse/rfc822_header.h"

using namespace qmail;
using namespace qmail::parse;

START_TEST(split_header_returns_fields_and_body) {
  auto m = split_header("To: joe\nSubject: hi\n\nbody\n");
  ck_assert(m.ok());
  ck_assert_int_eq(m->fields.size(), 2);
  ck_assert(m->fields[0].text == "To: joe\n");
  ck_assert(m->fields[0].name() == "To");
  ck_assert(m->fields[0].value() == " joe\n");
  ck_assert(m->fields[1].name() == "Subject");
  ck_assert(m->body == "\nbody\n");
}
END_TEST

START_TEST(split_header_joins_continuation_lines) {
  auto m = split_header("Received: from x\n\tby y;\n  1 Jan 1970\nTo: a\n\n");
  ck_assert(m.ok());
  ck_assert_int_eq(m->fields.size(), 2);
  ck_assert(m->fields[0].text == "Received: from x\n\tby y;\n  1 Jan 1970\n");
  ck_assert(m->body == "\n");
}
END_TEST

START_TEST(split_header_drops_cr_before_lf) {
  auto m = split_header("To: a\r\nCc: b\r\n\r\nbody\r\n");
  ck_assert(m.ok());
  ck_assert_int_eq(m->fields.size(), 2);
  ck_assert(m->fields[1].text == "Cc: b\n");
  ck_assert(m->body == "\nbody\r\n");
}
END_TEST

START_TEST(split_header_ends_at_a_line_that_is_no_field) {
  auto m = split_header("Subject: x\nnot a field\nmore\n");
  ck_assert(m.ok());
  ck_assert_int_eq(m->fields.size(), 1);
  ck_assert(m->body == "\nnot a field\nmore\n");
  m = split_header(" leading blank\n");
  ck_assert(m.ok());
  ck_assert_int_eq(m->fields.size(), 0);
  ck_assert(m->body == "\n leading blank\n");
}
END_TEST

START_TEST(split_header_accepts_end_of_input_in_header) {
  auto m = split_header("Subject: no newline");
  ck_assert(m.ok());
  ck_assert_int_eq(m->fields.size(), 1);
  ck_assert(m->fields[0].text == "Subject: no newline\n");
  ck_assert(m->body.empty());
  m = split_header("");
  ck_assert(m.ok());
  ck_assert(m->fields.empty());
}
END_TEST

START_TEST(split_header_turns_mbox_from_line_into_a_field) {
  auto m = split_header("From joe Thu Jan  1 00:00:00 1970\nTo: a\n\n");
  ck_assert(m.ok());
  ck_assert_int_eq(m->fields.size(), 2);
  ck_assert(m->fields[0].name() == "MBOX-Line");
  ck_assert(m->fields[0].text == "MBOX-Line: From joe Thu Jan  1 00:00:00 1970\n");
}
END_TEST

START_TEST(field_names_must_be_printable_without_spaces) {
  std::size_t colon = 0;
  ck_assert_int_eq(field_name_length("Subject : x", &colon), 7);
  ck_assert_int_eq(colon, 8);
  ck_assert_int_eq(field_name_length("Sub ject: x", &colon), 0);
  ck_assert_int_eq(field_name_length(": x", &colon), 0);
  ck_assert_int_eq(field_name_length("no colon", &colon), 0);
  ck_assert_int_eq(field_name_length("X\x01: y", &colon), 0);
  ck_assert_int_eq(field_name_length("X\xc3\xa9: y", &colon), 0);
}
END_TEST

START_TEST(split_header_rejects_absurd_sizes) {
  std::string huge_line = "X-Big: " + std::string(kMaxHeaderLine, 'a') + "\n\n";
  auto m = split_header(huge_line);
  ck_assert(!m.ok());
  ck_assert(!m.error().temporary());

  std::string folded = "X-Folded: a\n";
  std::string fold = " " + std::string(1000, 'b') + "\n";
  for (std::size_t i = 0; i * fold.size() <= kMaxHeaderField; ++i) folded += fold;
  m = split_header(folded + "\n");
  ck_assert(!m.ok());
  ck_assert(m.error().what == "header field too long");
}
END_TEST

START_TEST(splitter_is_fed_line_by_line) {
  HeaderSplitter s;
  auto r = s.feed("To: a");
  ck_assert(r.ok() && *r);
  r = s.feed(" b");
  ck_assert(r.ok() && *r);
  ck_assert(s.fields().empty());
  r = s.feed("");
  ck_assert(r.ok() && !*r);
  ck_assert(s.done());
  ck_assert_int_eq(s.fields().size(), 1);
  ck_assert(s.fields()[0].text == "To: a\n b\n");
  ck_assert(s.body_start() == "\n");
  ck_assert(field_is(s.fields()[0], "TO"));
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_header");
  TCase* tc = tcase_create("split_header");
  tcase_add_test(tc, split_header_returns_fields_and_body);
  tcase_add_test(tc, split_header_joins_continuation_lines);
  tcase_add_test(tc, split_header_drops_cr_before_lf);
  tcase_add_test(tc, split_header_ends_at_a_line_that_is_no_field);
  tcase_add_test(tc, split_header_accepts_end_of_input_in_header);
  tcase_add_test(tc, split_header_turns_mbox_from_line_into_a_field);
  tcase_add_test(tc, split_header_rejects_absurd_sizes);
  suite_add_tcase(s, tc);
  tc = tcase_create("field_name_length");
  tcase_add_test(tc, field_names_must_be_printable_without_spaces);
  suite_add_tcase(s, tc);
  tc = tcase_create("HeaderSplitter");
  tcase_add_test(tc, splitter_is_fed_line_by_line);
  suite_add_tcase(s, tc);
  return s;
}
