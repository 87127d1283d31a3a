// Unit tests for src/lib/parse/dot_forward: splitting .forward lines into
// addresses and classifying them as dot-forward(1) does.
#include <check.h>

#include <string>
#include <vector>

#include "check_main.h"
#include "parse/dot_forward.h"

using namespace qmail;

// Compares two strings held in temporaries (ck_assert_str_eq keeps pointers).
#define CHECK_STR(a, b)                            \
  do {                                             \
    std::string got_ = (a);                        \
    std::string want_ = (b);                       \
    ck_assert_str_eq(got_.c_str(), want_.c_str()); \
  } while (0)
using namespace qmail::parse;

namespace {

const ForwardContext kCtx{"joe", "example.com", "mail.example.com", "example.com", "plus.example"};

std::vector<std::string> texts(std::string_view line) {
  auto w = split_forward_line(line);
  ck_assert_msg(w.ok(), "split failed: %s", w.ok() ? "" : w.error().what.c_str());
  std::vector<std::string> out;
  for (const auto& x : *w) out.push_back(x.text);
  return out;
}

bool rejects(std::string_view line) { return !split_forward_line(line).ok(); }

ForwardInstruction only(std::string_view file) {
  auto r = parse_dot_forward(file, kCtx);
  ck_assert(r.ok());
  ck_assert_uint_eq(r->size(), 1);
  return (*r)[0];
}

}  // namespace

START_TEST(split_separates_on_commas_and_blanks) {
  auto t = texts("a@x.org, b@y.org c");
  ck_assert_uint_eq(t.size(), 3);
  ck_assert_str_eq(t[0].c_str(), "a@x.org");
  ck_assert_str_eq(t[1].c_str(), "b@y.org");
  ck_assert_str_eq(t[2].c_str(), "c");
}
END_TEST

START_TEST(split_drops_display_names_comments_and_routes) {
  auto t = texts("Joe \"The Man\" Smith <joe@x.org> (work), <@relay,@r2:bob@y.org>");
  ck_assert_uint_eq(t.size(), 2);
  ck_assert_str_eq(t[0].c_str(), "joe@x.org");
  ck_assert_str_eq(t[1].c_str(), "bob@y.org");
  auto g = texts("friends: a@x.org, b@x.org;");
  ck_assert_uint_eq(g.size(), 2);
  ck_assert_str_eq(g[0].c_str(), "a@x.org");
}
END_TEST

START_TEST(split_joins_dots_and_ats_and_unquotes) {
  auto t = texts("first . last @ x . org \"|prog -a b\" \\joe");
  ck_assert_uint_eq(t.size(), 3);
  ck_assert_str_eq(t[0].c_str(), "first.last@x.org");
  ck_assert_str_eq(t[1].c_str(), "|prog -a b");
  ck_assert_str_eq(t[2].c_str(), "joe");
  auto w = split_forward_line("\"a@b\" c@d");
  ck_assert(w.ok());
  ck_assert(!(*w)[0].has_at);  // a quoted @ names no domain
  ck_assert((*w)[1].has_at);
  auto lit = texts("joe@[10.0.0.1]");
  ck_assert_str_eq(lit[0].c_str(), "joe@[10.0.0.1]");
}
END_TEST

START_TEST(split_rejects_unbalanced_and_binary_input) {
  ck_assert(rejects("\"open"));
  ck_assert(rejects("(open (nested)"));
  ck_assert(rejects("<a@b"));
  ck_assert(rejects("a@b>"));
  ck_assert(rejects("a@b)"));
  ck_assert(rejects("[1.2.3.4"));
  ck_assert(rejects("joe\\"));
  ck_assert(rejects(std::string_view("a\0b", 3)));
  ck_assert(rejects("a@"));
  ck_assert(rejects("@b.org"));
  ck_assert(rejects(":include: /etc/list"));
  ck_assert(rejects("<a, b>"));
  ck_assert(!rejects("(deeply (nested (comments))) a"));
  ck_assert(!rejects(""));
}
END_TEST

START_TEST(classify_recognises_the_user_programs_and_files) {
  ForwardInstruction i = only("\\joe");
  ck_assert(i.kind == ForwardKind::kSelf);
  ck_assert(only("JOE@Example.COM").kind == ForwardKind::kSelf);
  ck_assert(only("joe@other.com").kind == ForwardKind::kAddress);
  i = only("\"|/usr/bin/vacation joe\"");
  ck_assert(i.kind == ForwardKind::kProgram);
  ck_assert_str_eq(i.target.c_str(), "/usr/bin/vacation joe");
  i = only("/var/mail/joe");
  ck_assert(i.kind == ForwardKind::kFile);
  ck_assert_str_eq(i.target.c_str(), "/var/mail/joe");
}
END_TEST

START_TEST(classify_completes_addresses_like_qmail_inject) {
  CHECK_STR(only("bob").target, "bob@mail.example.com");
  CHECK_STR(only("bob@host").target, "bob@host.example.com");
  CHECK_STR(only("bob@host+").target, "bob@host.plus.example");
  CHECK_STR(only("bob@x.org").target, "bob@x.org");
  CHECK_STR(only("bob@[1.2.3.4]").target, "bob@[1.2.3.4]");
}
END_TEST

START_TEST(parse_skips_comments_and_keeps_order) {
  auto r = parse_dot_forward("# a comment, with words\n\na@x.org\r\n\"|prog\", \\joe\n", kCtx);
  ck_assert(r.ok());
  ck_assert_uint_eq(r->size(), 3);
  ck_assert(((*r)[0].kind == ForwardKind::kAddress));
  ck_assert(((*r)[1].kind == ForwardKind::kProgram));
  ck_assert(((*r)[2].kind == ForwardKind::kSelf));
  auto empty = parse_dot_forward("# nothing here\n\n   \n", kCtx);
  ck_assert(empty.ok());
  ck_assert(empty->empty());
}
END_TEST

START_TEST(parse_names_the_bad_line_and_enforces_limits) {
  auto r = parse_dot_forward("a@x.org\nb@y.org\n\"oops\n", kCtx);
  ck_assert(!r.ok());
  ck_assert(r.error().what.rfind("line 3:", 0) == 0);
  ck_assert(!parse_dot_forward(std::string(kMaxDotForwardFile + 1, 'a'), kCtx).ok());
  std::string many;
  for (std::size_t n = 0; n <= kMaxDotForwardTargets; ++n) many += "a@x.org\n";
  ck_assert(!parse_dot_forward(many, kCtx).ok());
  ck_assert(!parse_dot_forward("\"|   \"\n", kCtx).ok());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_dot_forward");
  TCase* split = tcase_create("split_forward_line");
  tcase_add_test(split, split_separates_on_commas_and_blanks);
  tcase_add_test(split, split_drops_display_names_comments_and_routes);
  tcase_add_test(split, split_joins_dots_and_ats_and_unquotes);
  tcase_add_test(split, split_rejects_unbalanced_and_binary_input);
  suite_add_tcase(s, split);
  TCase* classify = tcase_create("classify_forward_word");
  tcase_add_test(classify, classify_recognises_the_user_programs_and_files);
  tcase_add_test(classify, classify_completes_addresses_like_qmail_inject);
  suite_add_tcase(s, classify);
  TCase* parse = tcase_create("parse_dot_forward");
  tcase_add_test(parse, parse_skips_comments_and_keeps_order);
  tcase_add_test(parse, parse_names_the_bad_line_and_enforces_limits);
  suite_add_tcase(s, parse);
  return s;
}
