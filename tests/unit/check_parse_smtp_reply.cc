// Unit tests for src/lib/parse/smtp_reply: reading a server's reply line by
// line (codes, continuation, malformed lines, the bounds), rendering it for a
// report, and the EHLO keywords qmail-remote uses.
#include "parse/smtp_reply.h"

#include <check.h>

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "check_main.h"

using namespace qmail::parse;
using namespace std::string_literals;

namespace {

// Compares two std::strings (the temporaries must outlive the check).
#define ck_assert_std_eq(a, b)                      \
  do {                                              \
    const std::string ck_a_ = (a), ck_b_ = (b);     \
    ck_assert_str_eq(ck_a_.c_str(), ck_b_.c_str()); \
    ck_assert(ck_a_ == ck_b_);                      \
  } while (0)

using Step = SmtpReplyParser::Step;

// Feeds `lines` until one does not say kMore; returns that step.
Step feed_all(SmtpReplyParser& p, std::initializer_list<std::string_view> lines) {
  Step step = Step::kMore;
  for (std::string_view line : lines) {
    step = p.feed_line(line);
    if (step != Step::kMore) break;
  }
  return step;
}

// The reply of `lines`, which must be well formed.
SmtpReply reply_of(std::initializer_list<std::string_view> lines) {
  SmtpReplyParser p;
  ck_assert(feed_all(p, lines) == Step::kDone);
  return p.reply();
}

bool malformed(std::initializer_list<std::string_view> lines) {
  SmtpReplyParser p;
  if (feed_all(p, lines) != Step::kMalformed) return false;
  return !p.error().empty();
}

}  // namespace

// ---- feed_line

START_TEST(single_line_reply_is_done) {
  SmtpReplyParser p;
  ck_assert(p.feed_line("250 ok") == Step::kDone);
  ck_assert_int_eq(p.reply().code, 250);
  ck_assert_int_eq(p.reply().kind(), 2);
  ck_assert_uint_eq(p.reply().lines.size(), 1);
  ck_assert_std_eq(p.reply().lines[0], "ok");
  ck_assert(!p.reply().truncated);
}
END_TEST

START_TEST(code_alone_or_with_empty_text_is_a_last_line) {
  SmtpReply r = reply_of({"354"});
  ck_assert_int_eq(r.code, 354);
  ck_assert_uint_eq(r.lines.size(), 1);
  ck_assert_std_eq(r.lines[0], "");
  r = reply_of({"421 "});
  ck_assert_int_eq(r.code, 421);
  ck_assert_std_eq(r.lines[0], "");
  r = reply_of({"220\r"});
  ck_assert_int_eq(r.code, 220);
}
END_TEST

START_TEST(continuation_lines_ask_for_more) {
  SmtpReplyParser p;
  ck_assert(p.feed_line("550-5.1.1 no such user\r") == Step::kMore);
  ck_assert(p.feed_line("550-") == Step::kMore);
  ck_assert(p.feed_line("550 5.1.1 bye") == Step::kDone);
  const SmtpReply& r = p.reply();
  ck_assert_int_eq(r.code, 550);
  ck_assert_int_eq(r.kind(), 5);
  ck_assert_uint_eq(r.lines.size(), 3);
  ck_assert_std_eq(r.lines[0], "5.1.1 no such user");
  ck_assert_std_eq(r.lines[1], "");
  ck_assert_std_eq(r.lines[2], "5.1.1 bye");
}
END_TEST

START_TEST(only_one_cr_is_removed) {
  SmtpReply r = reply_of({"250 x\r\r"});
  ck_assert_std_eq(r.lines[0], "x\r");
}
END_TEST

START_TEST(lines_that_are_not_reply_lines_are_malformed) {
  ck_assert(malformed({""}));
  ck_assert(malformed({"\r"}));
  ck_assert(malformed({"25"}));
  ck_assert(malformed({"2500 ok"}));
  ck_assert(malformed({"250x"}));
  ck_assert(malformed({"250\tok"}));
  ck_assert(malformed({"25a ok"}));
  ck_assert(malformed({"abc ok"}));
  ck_assert(malformed({" 250 ok"}));
  ck_assert(malformed({"HTTP/1.1 400 Bad Request"}));
  ck_assert(malformed({"250-ok", "garbage"}));
}
END_TEST

START_TEST(codes_outside_200_to_599_are_malformed) {
  ck_assert(malformed({"199 x"}));
  ck_assert(malformed({"099 x"}));
  ck_assert(malformed({"000"}));
  ck_assert(malformed({"600 x"}));
  ck_assert(malformed({"999 x"}));
  ck_assert(!malformed({"200 x"}));
  ck_assert(!malformed({"599 x"}));
}
END_TEST

START_TEST(code_changing_between_lines_is_malformed) {
  ck_assert(malformed({"250-a", "251 b"}));
  ck_assert(malformed({"250-a", "250-b", "550 c"}));
  SmtpReplyParser p;
  feed_all(p, {"250-a", "450 b"});
  ck_assert_std_eq(p.error(), "SMTP reply code changed between lines");
}
END_TEST

START_TEST(line_count_is_bounded) {
  SmtpReplyParser p;
  for (std::size_t i = 1; i < kMaxSmtpReplyLines; ++i)
    ck_assert(p.feed_line("250-x") == Step::kMore);
  ck_assert(p.feed_line("250 x") == Step::kDone);
  ck_assert_uint_eq(p.reply().lines.size(), kMaxSmtpReplyLines);

  p.reset();
  for (std::size_t i = 0; i < kMaxSmtpReplyLines; ++i)
    ck_assert(p.feed_line("250-x") == Step::kMore);
  ck_assert(p.feed_line("250 x") == Step::kMalformed);
  ck_assert(!p.error().empty());
}
END_TEST

START_TEST(kept_text_is_bounded_but_parsing_goes_on) {
  SmtpReplyParser p;
  const std::string line = "250-" + std::string(1000, 'a');
  for (int i = 0; i < 10; ++i) ck_assert(p.feed_line(line) == Step::kMore);
  ck_assert(p.feed_line("250 end") == Step::kDone);
  const SmtpReply& r = p.reply();
  ck_assert(r.truncated);
  std::size_t kept = 0;
  for (const std::string& l : r.lines) kept += l.size();
  ck_assert_uint_eq(kept, kMaxSmtpReplyKept);
  ck_assert_uint_eq(r.lines.size(), 5);  // four whole lines and the start of the fifth
  ck_assert_uint_eq(r.lines[4].size(), kMaxSmtpReplyKept - 4000);
}
END_TEST

START_TEST(overlong_line_is_cut) {
  SmtpReplyParser p;
  std::string line = "554 " + std::string(3 * kMaxSmtpReplyLine, 'z');
  ck_assert(p.feed_line(line) == Step::kDone);
  ck_assert_uint_eq(p.reply().lines[0].size(), kMaxSmtpReplyLine - 4);
}
END_TEST

START_TEST(reset_starts_a_new_reply) {
  SmtpReplyParser p;
  ck_assert(p.feed_line("220 hello") == Step::kDone);
  p.reset();
  ck_assert(p.feed_line("250-a") == Step::kMore);
  ck_assert(p.feed_line("250 b") == Step::kDone);
  ck_assert_int_eq(p.reply().code, 250);
  ck_assert_uint_eq(p.reply().lines.size(), 2);
  p.reset();
  ck_assert(p.feed_line("xyz") == Step::kMalformed);
  p.reset();
  ck_assert(p.error().empty());
  ck_assert(p.feed_line("451 later") == Step::kDone);
  ck_assert_int_eq(p.reply().code, 451);
  ck_assert_std_eq(p.reply().lines[0], "later");
}
END_TEST

// ---- text

START_TEST(text_renders_each_line_with_its_code) {
  SmtpReply r = reply_of({"550-first", "550-", "550 last"});
  ck_assert_std_eq(r.text(), "550 first\n550\n550 last");
  ck_assert_std_eq(r.text(" / "), "550 first / 550 / 550 last");
  ck_assert_std_eq(reply_of({"250"}).text(), "250");
}
END_TEST

START_TEST(text_shows_unprintable_bytes_as_question_marks) {
  SmtpReply r = reply_of({"250 a\tb\x7f\xff\x1b[31m\0z"s});
  ck_assert_std_eq(r.text(), "250 a?b???[31m?z");
}
END_TEST

START_TEST(text_says_when_the_reply_was_truncated) {
  SmtpReplyParser p;
  for (int i = 0; i < 5; ++i) p.feed_line("421-" + std::string(1000, 'b'));
  ck_assert(p.feed_line("421 bye") == Step::kDone);
  std::string t = p.reply().text("|");
  const std::string tail = "|(reply truncated)";
  ck_assert(t.size() > tail.size());
  ck_assert_std_eq(t.substr(t.size() - tail.size()), tail);
  ck_assert(t.find("bye") == std::string::npos);
}
END_TEST

// ---- parse_ehlo

START_TEST(ehlo_keywords_are_found_in_any_case) {
  EhloExtensions e = parse_ehlo(reply_of({
      "250-mx.example greets you",
      "250-PIPELINING",
      "250-size 10240000",
      "250-8bitmime",
      "250-StartTLS",
      "250-AUTH PLAIN login",
      "250-SMTPUTF8",
      "250 ENHANCEDSTATUSCODES",
  }));
  ck_assert(e.pipelining);
  ck_assert(e.size);
  ck_assert_uint_eq(e.size_limit, 10240000);
  ck_assert(e.eightbitmime);
  ck_assert(e.starttls);
  ck_assert(e.auth_plain);
  ck_assert(e.auth_login);
  ck_assert(!e.auth_cram_md5);
  ck_assert(e.smtputf8);
  ck_assert(e.enhancedstatuscodes);
}
END_TEST

START_TEST(ehlo_greeting_line_is_not_a_keyword) {
  EhloExtensions e = parse_ehlo(reply_of({"250-PIPELINING", "250 8BITMIME"}));
  ck_assert(!e.pipelining);
  ck_assert(e.eightbitmime);
  e = parse_ehlo(reply_of({"250 STARTTLS"}));
  ck_assert(!e.starttls);
}
END_TEST

START_TEST(ehlo_old_auth_form_counts) {
  EhloExtensions e = parse_ehlo(reply_of({"250-hi", "250-AUTH=LOGIN", "250 auth=cram-md5 plain"}));
  ck_assert(e.auth_login);
  ck_assert(e.auth_cram_md5);
  ck_assert(e.auth_plain);
  e = parse_ehlo(reply_of({"250-hi", "250-AUTH GSSAPI XOAUTH2", "250-AUTHX PLAIN", "250 AUTH="}));
  ck_assert(!e.auth_plain);
  ck_assert(!e.auth_login);
  ck_assert(!e.auth_cram_md5);
}
END_TEST

START_TEST(ehlo_size_without_a_usable_number_has_no_limit) {
  EhloExtensions e = parse_ehlo(reply_of({"250-hi", "250 SIZE"}));
  ck_assert(e.size);
  ck_assert_uint_eq(e.size_limit, 0);
  e = parse_ehlo(reply_of({"250-hi", "250 SIZE abc"}));
  ck_assert(e.size);
  ck_assert_uint_eq(e.size_limit, 0);
  e = parse_ehlo(reply_of({"250-hi", "250 SIZE 99999999999999999999999"}));
  ck_assert(e.size);
  ck_assert_uint_eq(e.size_limit, 0);
  e = parse_ehlo(reply_of({"250-hi", "250 SIZE 12x"}));
  ck_assert_uint_eq(e.size_limit, 0);
  e = parse_ehlo(reply_of({"250-hi", "250 SIZE   52428800  "}));
  ck_assert_uint_eq(e.size_limit, 52428800);
  e = parse_ehlo(reply_of({"250-hi", "250 SIZEX 100"}));
  ck_assert(!e.size);
}
END_TEST

START_TEST(ehlo_unknown_and_lookalike_keywords_are_ignored) {
  EhloExtensions e = parse_ehlo(
      reply_of({"250-hi", "250-PIPELININGX", "250-X-STARTTLS", "250-", "250-DSN", "250 CHUNKING"}));
  ck_assert(!e.pipelining);
  ck_assert(!e.starttls);
  ck_assert(!e.size);
}
END_TEST

START_TEST(ehlo_refused_offers_nothing) {
  EhloExtensions e = parse_ehlo(reply_of({"502-hi", "502 PIPELINING"}));
  ck_assert(!e.pipelining);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_smtp_reply");
  TCase* tc = tcase_create("feed_line");
  tcase_add_test(tc, single_line_reply_is_done);
  tcase_add_test(tc, code_alone_or_with_empty_text_is_a_last_line);
  tcase_add_test(tc, continuation_lines_ask_for_more);
  tcase_add_test(tc, only_one_cr_is_removed);
  tcase_add_test(tc, lines_that_are_not_reply_lines_are_malformed);
  tcase_add_test(tc, codes_outside_200_to_599_are_malformed);
  tcase_add_test(tc, code_changing_between_lines_is_malformed);
  tcase_add_test(tc, line_count_is_bounded);
  tcase_add_test(tc, kept_text_is_bounded_but_parsing_goes_on);
  tcase_add_test(tc, overlong_line_is_cut);
  tcase_add_test(tc, reset_starts_a_new_reply);
  suite_add_tcase(s, tc);

  tc = tcase_create("text");
  tcase_add_test(tc, text_renders_each_line_with_its_code);
  tcase_add_test(tc, text_shows_unprintable_bytes_as_question_marks);
  tcase_add_test(tc, text_says_when_the_reply_was_truncated);
  suite_add_tcase(s, tc);

  tc = tcase_create("parse_ehlo");
  tcase_add_test(tc, ehlo_keywords_are_found_in_any_case);
  tcase_add_test(tc, ehlo_greeting_line_is_not_a_keyword);
  tcase_add_test(tc, ehlo_old_auth_form_counts);
  tcase_add_test(tc, ehlo_size_without_a_usable_number_has_no_limit);
  tcase_add_test(tc, ehlo_unknown_and_lookalike_keywords_are_ignored);
  tcase_add_test(tc, ehlo_refused_offers_nothing);
  suite_add_tcase(s, tc);
  return s;
}
