// Unit tests for src/lib/parse/dot_qmail: the line classifier, the whole-file
// parser and the order in which qmail-local looks for .qmail files.
#include <check.h>

#include <string>
#include <vector>

#include "check_main.h"
#include "parse/dot_qmail.h"

using namespace qmail;
using namespace qmail::parse;

namespace {
std::vector<std::string> names(const std::vector<DotQmailCandidate>& c) {
  std::vector<std::string> out;
  for (const auto& x : c) out.push_back(x.name);
  return out;
}
}  // namespace

START_TEST(classify_recognises_each_kind) {
  ck_assert(classify_dot_qmail_line("# note").kind == DotQmailKind::kComment);
  ck_assert(classify_dot_qmail_line("").kind == DotQmailKind::kBlank);
  ck_assert(classify_dot_qmail_line(" \t").kind == DotQmailKind::kBlank);
  auto prog = classify_dot_qmail_line("|preline /usr/bin/vacation joe");
  ck_assert(prog.kind == DotQmailKind::kProgram);
  ck_assert(prog.text == "preline /usr/bin/vacation joe");
  auto amp = classify_dot_qmail_line("&me@new.job.example");
  ck_assert(amp.kind == DotQmailKind::kForward);
  ck_assert(amp.text == "me@new.job.example");
  auto bare = classify_dot_qmail_line("me@new.job.example");
  ck_assert(bare.kind == DotQmailKind::kForward);
  ck_assert(bare.text == "me@new.job.example");
  auto mbox = classify_dot_qmail_line("./Mailbox");
  ck_assert(mbox.kind == DotQmailKind::kMbox);
  ck_assert(mbox.text == "./Mailbox");
  ck_assert(classify_dot_qmail_line("/home/joe/Mailbox.sos").kind == DotQmailKind::kMbox);
  auto md = classify_dot_qmail_line("./Maildir/");
  ck_assert(md.kind == DotQmailKind::kMaildir);
  ck_assert(md.text == "./Maildir/");
  ck_assert(classify_dot_qmail_line("+list").kind == DotQmailKind::kList);
  ck_assert(classify_dot_qmail_line("+other").kind == DotQmailKind::kIgnored);
}
END_TEST

START_TEST(classify_strips_trailing_blanks_only) {
  auto md = classify_dot_qmail_line("./Maildir/ \t ");
  ck_assert(md.kind == DotQmailKind::kMaildir);
  ck_assert(md.text == "./Maildir/");
  auto prog = classify_dot_qmail_line("|  cat  ");
  ck_assert(prog.text == "  cat");
  // A CR is not a blank: qmail keeps it.
  ck_assert(classify_dot_qmail_line("./Mailbox\r").text == "./Mailbox\r");
}
END_TEST

START_TEST(parse_rejects_blank_first_line) {
  auto r = parse_dot_qmail("\n./Mailbox\n");
  ck_assert(!r.ok());
  ck_assert(r.error().temporary());
  ck_assert(r.error().what == "first line of .qmail file is blank");
  ck_assert(!parse_dot_qmail("  \t\n").ok());
  ck_assert(!parse_dot_qmail("").ok());
}
END_TEST

START_TEST(parse_allows_later_blank_lines_and_no_final_newline) {
  auto r = parse_dot_qmail("# mail\n\n./Mailbox\n|cat");
  ck_assert(r.ok());
  ck_assert_uint_eq(r->size(), 4);
  ck_assert((*r)[1].kind == DotQmailKind::kBlank);
  ck_assert((*r)[3].kind == DotQmailKind::kProgram);
  ck_assert((*r)[3].text == "cat");
  auto one = parse_dot_qmail("./Maildir/\n");
  ck_assert(one.ok());
  ck_assert_uint_eq(one->size(), 1);
}
END_TEST

START_TEST(parse_rejects_nul_empty_forward_and_huge_files) {
  ck_assert(!parse_dot_qmail(std::string("./Mail\0box\n", 11)).ok());
  ck_assert(!parse_dot_qmail("./Mailbox\n&\n").ok());
  ck_assert(!parse_dot_qmail("./Mailbox\n&  \n").ok());
  std::string huge(kMaxDotQmailFile + 1, 'a');
  auto r = parse_dot_qmail(huge);
  ck_assert(!r.ok());
  ck_assert(r.error().temporary());
}
END_TEST

START_TEST(safe_extension_lowers_and_hides_dots) {
  ck_assert(safe_extension("Foo.Bar") == "foo:bar");
  ck_assert(safe_extension("../../etc") == "::/::/etc");
  ck_assert(safe_extension("") == "");
}
END_TEST

START_TEST(candidates_follow_the_default_chain) {
  auto c = dot_qmail_candidates("-", "a-b-c");
  std::vector<std::string> want = {".qmail-a-b-c", ".qmail-a-b-default", ".qmail-a-default",
                                   ".qmail-default"};
  ck_assert(names(c) == want);
  ck_assert(!c[0].default_from);
  ck_assert_uint_eq(*c[1].default_from, 4);  // DEFAULT = "c"
  ck_assert_uint_eq(*c[2].default_from, 2);  // DEFAULT = "b-c"
  ck_assert_uint_eq(*c[3].default_from, 0);  // DEFAULT = "a-b-c"
}
END_TEST

START_TEST(candidates_for_edge_extensions) {
  ck_assert(names(dot_qmail_candidates("-", "")) ==
            (std::vector<std::string>{".qmail-", ".qmail-default"}));
  ck_assert(names(dot_qmail_candidates("-", "a")) ==
            (std::vector<std::string>{".qmail-a", ".qmail-default"}));
  ck_assert(names(dot_qmail_candidates("-", "a-")) ==
            (std::vector<std::string>{".qmail-a-", ".qmail-a-default", ".qmail-default"}));
  ck_assert(names(dot_qmail_candidates("-", "Ab.C")) ==
            (std::vector<std::string>{".qmail-ab:c", ".qmail-default"}));
  // No dash: the basic address, which falls back to defaultdelivery instead.
  ck_assert(names(dot_qmail_candidates("", "")) == (std::vector<std::string>{".qmail"}));
  // Naming a default file directly still sets DEFAULT.
  auto d = dot_qmail_candidates("-", "x-default");
  ck_assert(d[0].name == ".qmail-x-default");
  ck_assert_uint_eq(*d[0].default_from, 2);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_dot_qmail");
  TCase* tc = tcase_create("classify_dot_qmail_line");
  tcase_add_test(tc, classify_recognises_each_kind);
  tcase_add_test(tc, classify_strips_trailing_blanks_only);
  suite_add_tcase(s, tc);
  tc = tcase_create("parse_dot_qmail");
  tcase_add_test(tc, parse_rejects_blank_first_line);
  tcase_add_test(tc, parse_allows_later_blank_lines_and_no_final_newline);
  tcase_add_test(tc, parse_rejects_nul_empty_forward_and_huge_files);
  suite_add_tcase(s, tc);
  tc = tcase_create("dot_qmail_candidates");
  tcase_add_test(tc, safe_extension_lowers_and_hides_dots);
  tcase_add_test(tc, candidates_follow_the_default_chain);
  tcase_add_test(tc, candidates_for_edge_extensions);
  suite_add_tcase(s, tc);
  return s;
}
