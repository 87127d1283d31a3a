// Unit tests for src/lib/parse/users_assign: qmail-users(5) parsing, the
// users/cdb layout, and the lookup qmail-lspawn makes.
#include <check.h>

#include <map>
#include <string>

#include "check_main.h"
#include "parse/users_assign.h"

using namespace qmail;
using namespace qmail::parse;

namespace {
void expect_error(std::string_view text, const std::string& want) {
  auto r = parse_users_assign(text);
  ck_assert_msg(!r.ok(), "accepted bad input");
  ck_assert_msg(r.error().what == want, "error \"%s\", wanted \"%s\"", r.error().what.c_str(),
                want.c_str());
}

std::string nul_join(std::initializer_list<std::string_view> fields) {
  std::string out;
  bool first = true;
  for (auto f : fields) {
    if (!first) out.push_back('\0');
    first = false;
    out.append(f);
  }
  return out;
}

// A users/cdb as a map, for lookups.
struct Db {
  std::map<std::string, std::string> kv;
  explicit Db(std::string_view assign) {
    auto parsed = parse_users_assign(assign);
    ck_assert(parsed.ok());
    for (auto& r : users_cdb_records(*parsed)) kv.emplace(r.key, r.value);  // first wins
  }
  std::optional<UserEntry> find(std::string_view local) {
    UsersCdbFetch fetch = [&](std::string_view key) -> Result<std::optional<std::string>> {
      auto it = kv.find(std::string(key));
      if (it == kv.end()) return std::optional<std::string>{};
      return std::optional<std::string>{it->second};
    };
    auto r = lookup_users_cdb(local, fetch);
    ck_assert(r.ok());
    return *r;
  }
};

const char* kExample =
    "+:alias:7790:2108:/var/qmail/alias:-::\n"
    "+joe-:joe:507:100:/home/joe:-::\n"
    "=joe:joe:507:100:/home/joe:::\n"
    ".\n";
}  // namespace

START_TEST(parses_simple_and_wildcard_lines) {
  auto r = parse_users_assign("=Joe.Shmoe:joe:503:78:/home/joe:::\n+list-:list:9:9:/l:-:pre:\n.\n");
  ck_assert(r.ok());
  ck_assert_uint_eq(r->size(), 2u);
  const Assignment& a = (*r)[0];
  ck_assert(!a.wildcard);
  ck_assert_str_eq(a.local.c_str(), "Joe.Shmoe");
  ck_assert_str_eq(a.entry.user.c_str(), "joe");
  ck_assert_uint_eq(a.entry.uid, 503u);
  ck_assert_uint_eq(a.entry.gid, 78u);
  ck_assert_str_eq(a.entry.home.c_str(), "/home/joe");
  ck_assert(a.entry.dash.empty() && a.entry.ext.empty());
  const Assignment& b = (*r)[1];
  ck_assert(b.wildcard);
  ck_assert_str_eq(b.local.c_str(), "list-");
  ck_assert_str_eq(b.entry.dash.c_str(), "-");
  ck_assert_str_eq(b.entry.ext.c_str(), "pre");
}
END_TEST

START_TEST(stops_at_the_dot_line_and_ignores_text_after_seventh_colon) {
  auto r = parse_users_assign("=a:u:1:2:/h:::junk\n.\ngarbage without colons\n");
  ck_assert(r.ok());
  ck_assert_uint_eq(r->size(), 1u);
  ck_assert(parse_users_assign(".").ok());
  ck_assert(parse_users_assign(".\n")->empty());
}
END_TEST

START_TEST(rejects_bad_lines_naming_them) {
  expect_error("", "missing final line with a single dot");
  expect_error("=a:u:1:2:/h:::\n", "missing final line with a single dot");
  expect_error("=a:u:1:2:/h:::\n\n.\n", "line 2: line does not start with = or +");
  expect_error("#a:u:1:2:/h:::\n.\n", "line 1: line does not start with = or +");
  expect_error("=a\n.\n", "line 1: missing colon");
  expect_error("=a:u:1:2:/h::\n.\n", "line 1: fewer than seven colons");
  expect_error("=a:u:x:2:/h:::\n.\n", "line 1: uid is not a number");
  expect_error("=a:u:1:-2:/h:::\n.\n", "line 1: gid is not a number");
  expect_error("=a:u:1:99999999999:/h:::\n.\n", "line 1: gid is not a number");
  expect_error("=a::1:2:/h:::\n.\n", "line 1: empty user name");
  expect_error("=a:u:1:2::::\n.\n", "line 1: empty home directory");
  expect_error(std::string("=a:u:1:2:/h\0:::\n.\n", 18), "line 1: NUL in line");
  expect_error("=a:u:1:2:/h:::", "line 1: no newline at end of line");
}
END_TEST

START_TEST(rejects_a_line_over_the_limit) {
  std::string big = "=a:u:1:2:/" + std::string(kMaxUsersAssignLine, 'h') + ":::\n.\n";
  expect_error(big, "line 1: line too long");
}
END_TEST

START_TEST(records_have_qmails_keys_and_values) {
  auto r =
      parse_users_assign("=Joe:joe:1:2:/home/joe:::\n+Lists-X:l:3:4:/l:-:p:\n+:a:5:6:/a:-::\n.\n");
  ck_assert(r.ok());
  auto recs = users_cdb_records(*r);
  ck_assert_uint_eq(recs.size(), 4u);
  ck_assert(recs[0].key == std::string("!joe\0", 5));
  ck_assert(recs[0].value == nul_join({"joe", "1", "2", "/home/joe", "", ""}));
  ck_assert(recs[1].key == "!lists-x");
  ck_assert(recs[1].value == nul_join({"l", "3", "4", "/l", "-", "p"}));
  ck_assert(recs[2].key == "!");
  ck_assert(recs[3].key.empty());
  ck_assert(recs[3].value == "x");  // the empty prefix adds no character
}
END_TEST

START_TEST(lookup_prefers_exact_then_longest_wildcard) {
  Db db(kExample);
  auto joe = db.find("joe");
  ck_assert(joe && joe->user == "joe" && joe->dash.empty() && joe->ext.empty());
  auto direct = db.find("JOE-Direct");
  ck_assert(direct && direct->user == "joe");
  ck_assert_str_eq(direct->dash.c_str(), "-");
  ck_assert_str_eq(direct->ext.c_str(), "Direct");  // the rest keeps its case
  auto bill = db.find("bill");
  ck_assert(bill && bill->user == "alias");
  ck_assert_str_eq(bill->ext.c_str(), "bill");
}
END_TEST

START_TEST(lookup_without_catch_all_finds_nothing) {
  Db db("=joe:joe:1:2:/h:::\n+joe-:joe:1:2:/h:-:x:\n.\n");
  ck_assert(!db.find("bill"));
  ck_assert(!db.find("jo"));
  auto e = db.find("joe-");
  ck_assert(e && e->ext == "x");
}
END_TEST

START_TEST(lookup_needs_the_wildcard_list) {
  UsersCdbFetch none = [](std::string_view) -> Result<std::optional<std::string>> {
    return std::optional<std::string>{};
  };
  ck_assert(!lookup_users_cdb("joe", none).ok());
  UsersCdbFetch failing = [](std::string_view) -> Result<std::optional<std::string>> {
    return temp_error("read error");
  };
  ck_assert(!lookup_users_cdb("joe", failing).ok());
}
END_TEST

START_TEST(user_fields_need_six_fields_and_numbers) {
  auto e =
      parse_user_fields(std::string("u\0"
                                    "1\0"
                                    "2\0"
                                    "/h\0"
                                    "-\0"
                                    "ext\0",
                                    15));
  ck_assert(e.ok());
  ck_assert_str_eq(e->ext.c_str(), "ext");
  ck_assert(parse_user_fields(std::string("u\0"
                                          "1\0"
                                          "2\0"
                                          "/h\0"
                                          "-\0"
                                          "\0",
                                          12))
                .ok());
  ck_assert(!parse_user_fields(std::string("u\0"
                                           "1\0"
                                           "2\0"
                                           "/h\0",
                                           9))
                 .ok());
  ck_assert(!parse_user_fields(std::string("u\0"
                                           "x\0"
                                           "2\0"
                                           "/h\0"
                                           "\0"
                                           "\0",
                                           11))
                 .ok());
  ck_assert(!parse_user_fields("").ok());
  ck_assert(!parse_user_fields(std::string(kMaxUsersValue + 1, 'a')).ok());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("users_assign");
  TCase* tc = tcase_create("parse_users_assign");
  tcase_add_test(tc, parses_simple_and_wildcard_lines);
  tcase_add_test(tc, stops_at_the_dot_line_and_ignores_text_after_seventh_colon);
  tcase_add_test(tc, rejects_bad_lines_naming_them);
  tcase_add_test(tc, rejects_a_line_over_the_limit);
  suite_add_tcase(s, tc);
  tc = tcase_create("users_cdb_records");
  tcase_add_test(tc, records_have_qmails_keys_and_values);
  suite_add_tcase(s, tc);
  tc = tcase_create("lookup_users_cdb");
  tcase_add_test(tc, lookup_prefers_exact_then_longest_wildcard);
  tcase_add_test(tc, lookup_without_catch_all_finds_nothing);
  tcase_add_test(tc, lookup_needs_the_wildcard_list);
  suite_add_tcase(s, tc);
  tc = tcase_create("parse_user_fields");
  tcase_add_test(tc, user_fields_need_six_fields_and_numbers);
  suite_add_tcase(s, tc);
  return s;
}
