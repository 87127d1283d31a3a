// Unit tests for src/lib/parse/rfc822_address: tokens, address lists,
// writing them back, envelope forms and quoting.
#include <check.h>

#include <string>
#include <vector>

#include "check_main.h"
#include "parse/rfc822_address.h"

// Compares as std::string: the arguments may be temporaries (ck_assert_str_eq
// would keep pointers into them past their lifetime).
#define ck_str(a, b)                                \
  do {                                              \
    std::string ck_a_ = (a), ck_b_ = (b);           \
    ck_assert_str_eq(ck_a_.c_str(), ck_b_.c_str()); \
  } while (0)

using namespace qmail;
using namespace qmail::parse;

namespace {
// The envelope forms of a list's addresses, joined by spaces.
std::string addrs(std::string_view text) {
  auto list = parse_address_list(text);
  if (!list) return "ERROR: " + list.error().what;
  std::string out;
  for (const auto& item : *list) {
    if (item.kind != AddressItem::Kind::kAddress) continue;
    if (!out.empty()) out += ' ';
    out += "[" + envelope_form(item.tokens) + "]";
  }
  return out;
}

std::string field(std::string_view text) {
  auto list = parse_address_list(text);
  if (!list) return "ERROR: " + list.error().what;
  return format_field("To", *list);
}
}  // namespace

START_TEST(tokenize_splits_specials_quotes_comments_literals) {
  auto t = tokenize("Joe \"A B\" (c (d)) <x@[1.2.3.4]>,;:.");
  ck_assert(t.ok());
  std::vector<Token> want = {
      {TokenType::kAtom, "Joe"},        {TokenType::kQuoted, "A B"}, {TokenType::kComment, "c (d)"},
      {TokenType::kLeft, ""},           {TokenType::kAtom, "x"},     {TokenType::kAt, ""},
      {TokenType::kLiteral, "1.2.3.4"}, {TokenType::kRight, ""},     {TokenType::kComma, ""},
      {TokenType::kSemicolon, ""},      {TokenType::kColon, ""},     {TokenType::kDot, ""}};
  ck_assert(*t == want);
}
END_TEST

START_TEST(tokenize_handles_escapes_and_folding) {
  auto t = tokenize("\"a\\\"b\" a\\,b \"x\n y\"");
  ck_assert(t.ok());
  ck_assert_int_eq(t->size(), 3);
  ck_assert((*t)[0] == (Token{TokenType::kQuoted, "a\"b"}));
  ck_assert((*t)[1] == (Token{TokenType::kQuoted, "a,b"}));  // an escaped special needs quotes
  ck_assert((*t)[2] == (Token{TokenType::kQuoted, "x y"}));
}
END_TEST

START_TEST(tokenize_rejects_unbalanced_input) {
  ck_assert(!tokenize("\"open").ok());
  ck_assert(!tokenize("(open (nested)").ok());
  ck_assert(!tokenize("[1.2.3.4").ok());
  ck_assert(!tokenize("a)b").ok());
  ck_assert(!tokenize("a]").ok());
  ck_assert(!tokenize("a\\").ok());
  ck_assert(!tokenize(std::string_view("a\0b", 3)).ok());
  ck_assert(!tokenize(std::string(kMaxAddressList + 1, 'a')).ok());
  auto e = tokenize("\"open");
  ck_assert(!e.error().temporary());
}
END_TEST

START_TEST(address_lists_from_the_man_page) {
  ck_str(addrs("a@b, c@d (Somebody), A Person <e@f>,\n   random group: g@h, i@j;, k@l").c_str(),
         "[a@b] [c@d] [e@f] [g@h] [i@j] [k@l]");
  ck_str(addrs("God@heaven.af.mil,\n\t<@brl.mil:\"a\\\"quote\"@heaven.af.mil>,\n\t  "
               "\"The Almighty\".One@heaven.af.mil")
             .c_str(),
         "[God@heaven.af.mil] [@brl.mil:a\"quote@heaven.af.mil] "
         "[The Almighty.One@heaven.af.mil]");
  ck_str(addrs("< \"God\"@heaven .af.mil>,\n     \"a\\\"quote\" (Who?) @ heaven . af.  "
               "mil\n     , God<\"The Almighty.One\"@heaven.af.mil>")
             .c_str(),
         "[God@heaven.af.mil] [a\"quote@heaven.af.mil] "
         "[The Almighty.One@heaven.af.mil]");
}
END_TEST

START_TEST(spaces_between_addresses_become_commas) {
  ck_str(addrs("djb fred").c_str(), "[djb] [fred]");
  ck_str(field("djb fred").c_str(), "To: djb, fred\n");
  ck_str(field("A <a@b> c@d").c_str(), "To: A <a@b>, c@d\n");
  ck_str(field("A <a@b> (home), c").c_str(), "To: A <a@b> (home), c\n");
}
END_TEST

START_TEST(groups_and_empty_addresses) {
  ck_str(addrs("recipient list not shown: ;").c_str(), "");
  ck_str(field("recipient list not shown: ;").c_str(), "To: recipient list not shown: ;\n");
  ck_str(field("friends: a, b;, c").c_str(), "To: friends: a, b;, c\n");
  ck_str(addrs("<>").c_str(), "[]");
  ck_str(field("").c_str(), "To:\n");
  ck_assert(!parse_address_list("a: b: c;;").ok());
  ck_assert(!parse_address_list("a, b;").ok());
  ck_assert(!parse_address_list("g: a, b").ok());
  ck_assert(!parse_address_list("Joe <a@b").ok());
  ck_assert(!parse_address_list("Joe a@b>").ok());
  ck_assert(!parse_address_list("<a <b>>").ok());
}
END_TEST

START_TEST(comments_inside_an_address_move_after_it) {
  ck_str(field("a (x) @ b").c_str(), "To: a@b (x)\n");
  ck_str(field("\"Joe Q.\" (Joe) <joe@x.org>").c_str(), "To: \"Joe Q.\" (Joe) <joe@x.org>\n");
}
END_TEST

START_TEST(format_field_folds_long_lists_after_commas) {
  std::string list;
  for (int i = 0; i < 8; ++i)
    list += (i ? ", " : "") + std::string("someone") + char('a' + i) + "@example.org";
  std::string f = field(list);
  ck_str(f.c_str(),
         "To: someonea@example.org, someoneb@example.org, someonec@example.org,\n"
         "  someoned@example.org, someonee@example.org, someonef@example.org,\n"
         "  someoneg@example.org, someoneh@example.org\n");
  for (std::size_t pos = 0, end; (end = f.find('\n', pos)) != std::string::npos; pos = end + 1)
    ck_assert_int_le(end - pos, kFoldWidth);
}
END_TEST

START_TEST(unparse_quotes_what_needs_quotes) {
  std::vector<Token> t = {{TokenType::kQuoted, "a\"b\\c"},
                          {TokenType::kAtom, "x y"},
                          {TokenType::kComment, "(c)"},
                          {TokenType::kLiteral, "a]"}};
  ck_str(unparse(t).c_str(), "\"a\\\"b\\\\c\" \"x y\" (\\(c\\)) [a\\]]");
  std::vector<Token> nl = {{TokenType::kQuoted, "a\nBcc: evil"}};
  ck_str(unparse(nl).c_str(), "\"a Bcc: evil\"");
}
END_TEST

START_TEST(quote_address_quotes_only_the_local_part) {
  ck_str(quote_address("joe@x.org").c_str(), "joe@x.org");
  ck_str(quote_address("The Almighty.One@heaven").c_str(), "\"The Almighty.One\"@heaven");
  ck_str(quote_address("a\"quote@h").c_str(), "\"a\\\"quote\"@h");
  ck_str(quote_address("@at@@h").c_str(), "\"@at@\"@h");
  ck_str(quote_address("").c_str(), "");
  ck_assert(local_part_needs_quotes(".a"));
  ck_assert(local_part_needs_quotes("a..b"));
  ck_assert(!local_part_needs_quotes("a.b-c+d"));
  ck_assert(!local_part_needs_quotes("j\xc3\xb6rg"));
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_address");
  TCase* tc = tcase_create("tokenize");
  tcase_add_test(tc, tokenize_splits_specials_quotes_comments_literals);
  tcase_add_test(tc, tokenize_handles_escapes_and_folding);
  tcase_add_test(tc, tokenize_rejects_unbalanced_input);
  suite_add_tcase(s, tc);
  tc = tcase_create("parse_address_list");
  tcase_add_test(tc, address_lists_from_the_man_page);
  tcase_add_test(tc, spaces_between_addresses_become_commas);
  tcase_add_test(tc, groups_and_empty_addresses);
  tcase_add_test(tc, comments_inside_an_address_move_after_it);
  suite_add_tcase(s, tc);
  tc = tcase_create("format_field");
  tcase_add_test(tc, format_field_folds_long_lists_after_commas);
  tcase_add_test(tc, unparse_quotes_what_needs_quotes);
  suite_add_tcase(s, tc);
  tc = tcase_create("quote_address");
  tcase_add_test(tc, quote_address_quotes_only_the_local_part);
  suite_add_tcase(s, tc);
  return s;
}
