// Unit tests for qmail-newrcpt: the keys of control/recipients.cdb from
// made-up control files, users/assign, accounts and homes (keys.h), the look
// at a real home directory, and the cdb it writes read back by RecipientMap.
#include <check.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "check_main.h"
#include "check_tmp.h"
#include "control/recipients.h"
#include "qmail-newrcpt/keys.h"
#include "qmail-newrcpt/newrcpt.h"

using namespace qmail;
using newrcpt::Home;
using newrcpt::Inputs;

namespace {
Home listed(std::uint32_t owner, std::vector<std::string> files) {
  Home h;
  h.owner = owner;
  h.listed = true;
  h.dot_qmail = std::move(files);
  return h;
}

// locals example.com; the account joe (uid 1000) with .qmail, .qmail-foo and
// .qmail-bar-default; no alias user.
Inputs joe_inputs() {
  Inputs in;
  in.locals = {"Example.COM"};
  in.accounts = {{"joe", 1000, "/h/joe"}};
  in.homes["/h/joe"] = listed(1000, {".qmail", ".qmail-foo", ".qmail-bar-default", ".forward"});
  return in;
}

void assign(Inputs& in, const std::string& text) {
  auto a = parse::parse_users_assign(text + ".\n");
  ck_assert_msg(a.ok(), "bad users/assign in the test");
  in.assignments = std::move(*a);
}

bool has(const std::vector<std::string>& keys, const std::string& k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

std::string joined(const std::vector<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) s += k + " ";
  return s;
}

// joined() twice into named strings: Check keeps the pointers it is given.
#define ck_assert_joined(got, want)                  \
  do {                                               \
    const std::string got_s = joined(got);           \
    const std::string want_s = (want);               \
    ck_assert_str_eq(got_s.c_str(), want_s.c_str()); \
  } while (0)
#define ck_assert_has(keys, k) \
  ck_assert_msg(has(keys, k), "missing %s in %s", k, joined(keys).c_str())
#define ck_assert_hasnt(keys, k) \
  ck_assert_msg(!has(keys, k), "unexpected %s in %s", k, joined(keys).c_str())
}  // namespace

START_TEST(keys_follow_a_users_dot_qmail_files) {
  auto keys = newrcpt::recipient_keys(joe_inputs());
  std::vector<std::string> want = {"+joe-bar-@example.com", ":joe-foo@example.com",
                                   ":joe@example.com", "@example.com"};
  ck_assert_joined(keys, joined(want));
}
END_TEST

START_TEST(keys_give_a_prefix_for_dot_qmail_default) {
  Inputs in = joe_inputs();
  in.homes["/h/joe"].dot_qmail.push_back(".qmail-default");
  auto keys = newrcpt::recipient_keys(in);
  ck_assert_has(keys, "+joe-@example.com");
}
END_TEST

START_TEST(keys_skip_file_names_qmail_local_never_opens) {
  Inputs in = joe_inputs();
  in.homes["/h/joe"].dot_qmail = {".qmail-Upper", ".qmail-a.b", ".qmail-bad\nline", ".qmailx",
                                  ".qmail-xdefault"};
  auto keys = newrcpt::recipient_keys(in);
  ck_assert_hasnt(keys, ":joe-upper@example.com");
  ck_assert_hasnt(keys, ":joe-a.b@example.com");
  ck_assert_hasnt(keys, "+joe-x@example.com");
  ck_assert_has(keys, ":joe-xdefault@example.com");
  ck_assert_int_eq(keys.size(), 3);
}
END_TEST

START_TEST(keys_spell_colons_as_dots_and_colons) {
  Inputs in = joe_inputs();
  in.homes["/h/joe"].dot_qmail = {".qmail-a:b:c", ".qmail-l:m-default", ".qmail-v:w:x:y:z:q"};
  auto keys = newrcpt::recipient_keys(in);
  for (const char* k :
       {":joe-a:b:c@example.com", ":joe-a.b:c@example.com", ":joe-a:b.c@example.com",
        ":joe-a.b.c@example.com", "+joe-l:m-@example.com", "+joe-l.m-@example.com"})
    ck_assert_has(keys, k);
  // five colons: one prefix key up to the first, not 32 spellings
  ck_assert_has(keys, "+joe-v@example.com");
  ck_assert_int_eq(keys.size(), 9);
}
END_TEST

START_TEST(keys_follow_qmail_getpw_rules_for_accounts) {
  Inputs in;
  in.locals = {"example.com"};
  in.accounts = {{"root", 0, "/root"},          {"dup", 0, "/h/dup"},
                 {"dup", 1001, "/h/dup"},       {"Mixed", 1002, "/h/mixed"},
                 {"notowner", 1003, "/h/x"},    {"nohome", 1004, "/h/none"},
                 {"unsure", 1005, "/h/unsure"}, {std::string(32, 'l'), 1006, "/h/long"},
                 {"ok", 1007, "/h/ok"}};
  in.homes["/h/dup"] = listed(1001, {});
  in.homes["/h/mixed"] = listed(1002, {});
  in.homes["/h/x"] = listed(1, {});
  in.homes["/h/none"].missing = true;
  in.homes["/h/unsure"] = Home{};  // could not be looked at
  in.homes["/h/long"] = listed(1006, {});
  in.homes["/h/ok"] = listed(1007, {});
  auto keys = newrcpt::recipient_keys(in);
  std::vector<std::string> want = {"+unsure-@example.com", ":ok@example.com", ":unsure@example.com",
                                   "@example.com"};
  ck_assert_joined(keys, joined(want));
}
END_TEST

START_TEST(keys_take_the_alias_home_for_other_addresses) {
  Inputs in = joe_inputs();
  in.alias_home = "/h/alias";
  in.homes["/h/alias"] = listed(7, {".qmail-postmaster", ".qmail-mailer-daemon", ".qmail-joe-x",
                                    ".qmail-joe-default", ".qmail-jo-default", ".qmail-joe"});
  auto keys = newrcpt::recipient_keys(in);
  ck_assert_has(keys, ":postmaster@example.com");
  ck_assert_has(keys, ":mailer-daemon@example.com");
  ck_assert_has(keys, "+jo-@example.com");
  ck_assert_has(keys, ":joe@example.com");  // joe's own, in any case
  // joe-anything belongs to joe, whose home decides
  ck_assert_hasnt(keys, ":joe-x@example.com");
  ck_assert_hasnt(keys, "+joe-@example.com");
  ck_assert_hasnt(keys, "+@example.com");
}
END_TEST

START_TEST(keys_give_the_whole_domain_for_alias_dot_qmail_default) {
  Inputs in = joe_inputs();
  in.alias_home = "/h/alias";
  in.homes["/h/alias"] = listed(7, {".qmail-default"});
  auto keys = newrcpt::recipient_keys(in);
  ck_assert_has(keys, "+@example.com");
  ck_assert_hasnt(keys, ":postmaster@example.com");
}
END_TEST

START_TEST(keys_accept_everything_of_an_unreadable_home) {
  Inputs in = joe_inputs();
  in.homes["/h/joe"].listed = false;
  in.homes["/h/joe"].dot_qmail.clear();
  in.alias_home = "/h/alias";  // not looked at at all
  auto keys = newrcpt::recipient_keys(in);
  std::vector<std::string> want = {"+@example.com", "+joe-@example.com", ":joe@example.com",
                                   ":postmaster@example.com", "@example.com"};
  ck_assert_joined(keys, joined(want));
}
END_TEST

START_TEST(keys_map_virtual_domains_through_their_prefix) {
  Inputs in = joe_inputs();
  in.virtualdomains = {"Virt.Example:joe",
                       "nobody.example:nobody",
                       "remote.example:",
                       ".wild.example:joe",
                       ":joe",
                       "example.com:nobody",
                       "deep.example:joe-bar",
                       "sales@virt.example:joe-foo",
                       "info@virt.example:joe-bar",
                       "ext@virt.example:",
                       "virt.example:other",
                       "x@remote.example:joe"};
  auto keys = newrcpt::recipient_keys(in);
  ck_assert_has(keys, "@virt.example");
  ck_assert_has(keys, ":foo@virt.example");
  ck_assert_has(keys, "+bar-@virt.example");
  ck_assert_has(keys, "@nobody.example");
  ck_assert_has(keys, "@deep.example");
  ck_assert_has(keys, "+@deep.example");
  ck_assert_has(keys, ":info@virt.example");
  ck_assert_has(keys, ":ext@virt.example");
  ck_assert_hasnt(keys, ":sales@virt.example");
  ck_assert_hasnt(keys, "@remote.example");
  ck_assert_hasnt(keys, ":x@remote.example");
  ck_assert_hasnt(keys, "@wild.example");
  ck_assert_hasnt(keys, "@.wild.example");
  ck_assert_hasnt(keys, "@");
  ck_assert_has(keys, ":joe@example.com");  // locals come first
  ck_assert_int_eq(keys.size(), 12);
}
END_TEST

START_TEST(keys_leave_percenthack_domains_unchecked) {
  Inputs in = joe_inputs();
  in.percenthack = {"example.com"};
  ck_assert(newrcpt::recipient_keys(in).empty());
}
END_TEST

START_TEST(keys_follow_users_assign) {
  Inputs in = joe_inputs();
  assign(in,
         "=info:joe:1000:1000:/h/joe:-:foo:\n"
         "=gone:joe:1000:1000:/h/joe:-:nothere:\n"
         "=plain:joe:1000:1000:/h/nowhere:::\n"
         "=rooted:root:0:0:/root:::\n"
         "=joe:joe:1000:1000:/h/joe:-:nothere:\n"
         "+lists-:joe:1000:1000:/h/joe:-:ml-:\n"
         "+lists-join-:joe:1000:1000:/h/join:::\n"
         "+any-:joe:1000:1000:/h/unlisted:-::\n");
  in.homes["/h/joe"].dot_qmail = {".qmail-foo", ".qmail-ml-announce", ".qmail-ml-x-default",
                                  ".qmail-ml-join-x", ".qmail-bar-default"};
  auto keys = newrcpt::recipient_keys(in);
  for (const char* k : {":info@example.com", ":plain@example.com", ":lists-announce@example.com",
                        "+lists-x-@example.com", "+lists-join-@example.com", "+any-@example.com",
                        ":joe-foo@example.com", "+joe-bar-@example.com"})
    ck_assert_has(keys, k);
  for (const char* k : {":gone@example.com", ":rooted@example.com", ":joe@example.com",
                        ":lists-join-x@example.com"})
    ck_assert_hasnt(keys, k);
}
END_TEST

START_TEST(keys_ask_no_account_after_a_catch_all_assignment) {
  Inputs in = joe_inputs();
  in.alias_home = "/h/alias";
  assign(in, "=carol:c:1:1:/h/carol:::\n+:a:7:7:/h/catch:-::\n");
  in.homes["/h/catch"] = listed(7, {".qmail-zed", ".qmail-postmaster"});
  auto keys = newrcpt::recipient_keys(in);
  std::vector<std::string> want = {":carol@example.com", ":postmaster@example.com",
                                   ":zed@example.com", "@example.com"};
  ck_assert_joined(keys, joined(want));
  auto homes = newrcpt::homes_needed(in);
  ck_assert_int_eq(homes.size(), 1);
  ck_assert_str_eq(homes[0].c_str(), "/h/catch");
}
END_TEST

START_TEST(homes_needed_lists_each_home_once) {
  Inputs in = joe_inputs();
  in.alias_home = "/h/alias";
  in.accounts.push_back({"Upper", 5, "/h/upper"});
  in.accounts.push_back({"shadowed", 6, "/h/shadowed"});
  assign(in, "=a:joe:1000:1000:/h/joe:-:x:\n+shad:s:9:9:/h/s:::\n");
  auto homes = newrcpt::homes_needed(in);
  ck_assert_joined(homes, "/h/alias /h/joe ");
}
END_TEST

START_TEST(look_at_home_lists_regular_dot_qmail_files) {
  std::string dir = check_tmp::make_dir("check_qmail_newrcpt");
  check_tmp::write_file(dir + "/.qmail-foo", "./Maildir/\n");
  check_tmp::write_file(dir + "/.qmail", "./Maildir/\n");
  check_tmp::write_file(dir + "/other", "x\n");
  ck_assert_int_eq(::mkdir((dir + "/.qmail-dir").c_str(), 0755), 0);
  ck_assert_int_eq(::symlink("nowhere", (dir + "/.qmail-dangling").c_str()), 0);
  ck_assert_int_eq(::symlink(".qmail-foo", (dir + "/.qmail-link").c_str()), 0);
  std::vector<std::string> warnings;
  newrcpt::Warn warn = [&](std::string_view w) { warnings.emplace_back(w); };
  Home h = newrcpt::look_at_home(dir, warn);
  ck_assert(h.listed);
  ck_assert(!h.missing);
  ck_assert(h.owner.has_value());
  ck_assert_uint_eq(*h.owner, ::getuid());
  std::sort(h.dot_qmail.begin(), h.dot_qmail.end());
  ck_assert_joined(h.dot_qmail, ".qmail .qmail-foo .qmail-link ");
  ck_assert(warnings.empty());

  Home gone = newrcpt::look_at_home(dir + "/none", warn);
  ck_assert(gone.missing);
  ck_assert(!gone.listed);
  ck_assert(warnings.empty());
}
END_TEST

START_TEST(build_cdb_is_read_back_by_recipient_map) {
  auto bytes = newrcpt::build_cdb(newrcpt::recipient_keys(joe_inputs()));
  ck_assert(bytes.ok());
  auto map = control::RecipientMap::from_memory(*bytes);
  using V = control::RecipientMap::Verdict;
  auto is = [&](const char* a, V want) {
    auto v = map.check(a);
    ck_assert(v.ok());
    ck_assert_msg(*v == want, "wrong verdict for %s", a);
  };
  is("joe@example.com", V::kKnown);
  is("Joe-Foo@Example.com", V::kKnown);
  is("joe-bar-x@example.com", V::kKnown);
  is("joe-baz@example.com", V::kUnknown);
  is("nobody@example.com", V::kUnknown);
  is("joe@elsewhere.example", V::kNotCovered);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_newrcpt");
  TCase* keys = tcase_create("recipient_keys");
  tcase_add_test(keys, keys_follow_a_users_dot_qmail_files);
  tcase_add_test(keys, keys_give_a_prefix_for_dot_qmail_default);
  tcase_add_test(keys, keys_skip_file_names_qmail_local_never_opens);
  tcase_add_test(keys, keys_spell_colons_as_dots_and_colons);
  tcase_add_test(keys, keys_follow_qmail_getpw_rules_for_accounts);
  tcase_add_test(keys, keys_take_the_alias_home_for_other_addresses);
  tcase_add_test(keys, keys_give_the_whole_domain_for_alias_dot_qmail_default);
  tcase_add_test(keys, keys_accept_everything_of_an_unreadable_home);
  tcase_add_test(keys, keys_map_virtual_domains_through_their_prefix);
  tcase_add_test(keys, keys_leave_percenthack_domains_unchecked);
  tcase_add_test(keys, keys_follow_users_assign);
  tcase_add_test(keys, keys_ask_no_account_after_a_catch_all_assignment);
  suite_add_tcase(s, keys);
  TCase* homes = tcase_create("homes_needed");
  tcase_add_test(homes, homes_needed_lists_each_home_once);
  suite_add_tcase(s, homes);
  TCase* look = tcase_create("look_at_home");
  tcase_add_test(look, look_at_home_lists_regular_dot_qmail_files);
  suite_add_tcase(s, look);
  TCase* cdb = tcase_create("build_cdb");
  tcase_add_test(cdb, build_cdb_is_read_back_by_recipient_map);
  suite_add_tcase(s, cdb);
  return s;
}
