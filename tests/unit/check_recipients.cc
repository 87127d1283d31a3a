// Unit tests for src/lib/control/recipients: RecipientMap over cdb files
// written here with CdbMake, in memory and on disk.
#include <check.h>

#include <string>

#include "check_main.h"
#include "check_tmp.h"
#include "control/cdb_make.h"
#include "control/recipients.h"

using qmail::control::CdbMake;
using qmail::control::RecipientMap;
using Verdict = RecipientMap::Verdict;

namespace {
std::string make_cdb(std::initializer_list<const char*> keys) {
  CdbMake m;
  for (const char* k : keys) ck_assert(m.add(k, "").ok());
  auto bytes = m.finish();
  ck_assert(bytes.ok());
  return *bytes;
}

// The verdict for `address`, failing the test on an error.
Verdict verdict(const RecipientMap& map, std::string_view address) {
  auto v = map.check(address);
  ck_assert_msg(v.ok(), "check failed: %s", v.ok() ? "" : v.error().text().c_str());
  return *v;
}

const std::string& example_cdb() {
  static const std::string bytes = make_cdb({
      "@example.com",
      ":joe@example.com",
      ":joe-foo@example.com",
      "+joe-bar-@example.com",
      "+lists-@example.com",
      "@catchall.example",
      "+@catchall.example",
      "@empty.example",
  });
  return bytes;
}
}  // namespace

START_TEST(check_says_not_covered_for_a_domain_without_its_key) {
  auto map = RecipientMap::from_memory(example_cdb());
  ck_assert(verdict(map, "joe@other.example") == Verdict::kNotCovered);
  ck_assert(verdict(map, "nobody@other.example") == Verdict::kNotCovered);
}
END_TEST

START_TEST(check_says_not_covered_without_an_at_sign) {
  auto map = RecipientMap::from_memory(example_cdb());
  ck_assert(verdict(map, "joe") == Verdict::kNotCovered);
  ck_assert(verdict(map, "") == Verdict::kNotCovered);
}
END_TEST

START_TEST(check_knows_exact_addresses_in_any_case) {
  auto map = RecipientMap::from_memory(example_cdb());
  ck_assert(verdict(map, "joe@example.com") == Verdict::kKnown);
  ck_assert(verdict(map, "JoE@Example.COM") == Verdict::kKnown);
  ck_assert(verdict(map, "joe-foo@example.com") == Verdict::kKnown);
  ck_assert(verdict(map, "joe-foo-x@example.com") == Verdict::kUnknown);
  ck_assert(verdict(map, "jo@example.com") == Verdict::kUnknown);
}
END_TEST

START_TEST(check_knows_every_address_under_a_prefix) {
  auto map = RecipientMap::from_memory(example_cdb());
  ck_assert(verdict(map, "joe-bar-@example.com") == Verdict::kKnown);
  ck_assert(verdict(map, "joe-bar-baz@example.com") == Verdict::kKnown);
  ck_assert(verdict(map, "Lists-Announce@example.com") == Verdict::kKnown);
  ck_assert(verdict(map, "joe-bar@example.com") == Verdict::kUnknown);
  ck_assert(verdict(map, "lists@example.com") == Verdict::kUnknown);
}
END_TEST

START_TEST(check_knows_everything_under_an_empty_prefix) {
  auto map = RecipientMap::from_memory(example_cdb());
  ck_assert(verdict(map, "anything@catchall.example") == Verdict::kKnown);
  ck_assert(verdict(map, "@catchall.example") == Verdict::kKnown);
  ck_assert(verdict(map, "anything@empty.example") == Verdict::kUnknown);
}
END_TEST

START_TEST(check_cuts_the_domain_at_the_last_at_sign) {
  const std::string bytes = make_cdb({"@example.com", ":a@b@example.com"});  // outlives map
  auto map = RecipientMap::from_memory(bytes);
  ck_assert(verdict(map, "a@b@example.com") == Verdict::kKnown);
  ck_assert(verdict(map, "a@b@other.example") == Verdict::kNotCovered);
  ck_assert(verdict(map, "b@example.com") == Verdict::kUnknown);
}
END_TEST

START_TEST(check_refuses_local_parts_over_the_limit) {
  auto map = RecipientMap::from_memory(example_cdb());
  std::string local(qmail::control::kMaxRecipientLocal, 'x');
  ck_assert(verdict(map, local + "@catchall.example") == Verdict::kKnown);
  ck_assert(verdict(map, local + "x@catchall.example") == Verdict::kUnknown);
  ck_assert(verdict(map, local + "x@other.example") == Verdict::kNotCovered);
}
END_TEST

START_TEST(check_always_knows_the_postmaster) {
  auto map = RecipientMap::from_memory(example_cdb());
  ck_assert(verdict(map, "postmaster@empty.example") == Verdict::kKnown);
  ck_assert(verdict(map, "PostMaster@example.com") == Verdict::kKnown);
  ck_assert(verdict(map, "postmaster-x@empty.example") == Verdict::kUnknown);
}
END_TEST

START_TEST(check_reports_a_corrupt_cdb_as_temporary) {
  std::string bytes = example_cdb();
  bytes.resize(bytes.size() / 2);  // the hash tables point past the end
  auto map = RecipientMap::from_memory(bytes);
  bool failed = false;
  for (const char* a : {"joe@example.com", "x@example.com", "y@catchall.example"}) {
    auto v = map.check(a);
    if (!v) {
      failed = true;
      ck_assert(v.error().temporary());
    }
  }
  ck_assert(failed);
  auto garbage = RecipientMap::from_memory("short");
  auto v = garbage.check("joe@example.com");
  ck_assert(!v.ok());
  ck_assert(v.error().temporary());
}
END_TEST

START_TEST(open_gives_nothing_for_a_missing_file) {
  std::string dir = check_tmp::make_dir("check_recipients");
  auto map = RecipientMap::open(dir + "/recipients.cdb");
  ck_assert(map.ok());
  ck_assert(!map->has_value());
}
END_TEST

START_TEST(open_reads_a_cdb_file) {
  std::string dir = check_tmp::make_dir("check_recipients");
  check_tmp::write_file(dir + "/recipients.cdb", example_cdb());
  auto map = RecipientMap::open(dir + "/recipients.cdb");
  ck_assert(map.ok());
  ck_assert(map->has_value());
  ck_assert(verdict(**map, "joe@example.com") == Verdict::kKnown);
  ck_assert(verdict(**map, "nobody@example.com") == Verdict::kUnknown);
  ck_assert(verdict(**map, "nobody@other.example") == Verdict::kNotCovered);
}
END_TEST

START_TEST(open_fails_on_a_file_in_the_path) {
  std::string dir = check_tmp::make_dir("check_recipients");
  // a file where a directory should be (ENOTDIR) is trouble, not "no file"
  check_tmp::write_file(dir + "/f", "x");
  auto bad = RecipientMap::open(dir + "/f/recipients.cdb");
  ck_assert(!bad.ok());
  ck_assert(bad.error().temporary());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("recipients");
  TCase* check = tcase_create("check");
  tcase_add_test(check, check_says_not_covered_for_a_domain_without_its_key);
  tcase_add_test(check, check_says_not_covered_without_an_at_sign);
  tcase_add_test(check, check_knows_exact_addresses_in_any_case);
  tcase_add_test(check, check_knows_every_address_under_a_prefix);
  tcase_add_test(check, check_knows_everything_under_an_empty_prefix);
  tcase_add_test(check, check_cuts_the_domain_at_the_last_at_sign);
  tcase_add_test(check, check_refuses_local_parts_over_the_limit);
  tcase_add_test(check, check_always_knows_the_postmaster);
  tcase_add_test(check, check_reports_a_corrupt_cdb_as_temporary);
  suite_add_tcase(s, check);
  TCase* open = tcase_create("open");
  tcase_add_test(open, open_gives_nothing_for_a_missing_file);
  tcase_add_test(open, open_reads_a_cdb_file);
  tcase_add_test(open, open_fails_on_a_file_in_the_path);
  suite_add_tcase(s, open);
  return s;
}
