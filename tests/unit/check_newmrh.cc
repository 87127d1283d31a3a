// Unit tests for src/qmail-newmrh: the morercpthosts text into cdb bytes,
// read back with the cdb reader.
#include <check.h>

#include "check_main.h"
#include "control/cdb.h"
#include "qmail-newmrh/newmrh.h"

using namespace qmail;

namespace {
/// Whether `key` is in the cdb with an empty value.
bool holds(const std::string& cdb, const std::string& key) {
  auto db = control::Cdb::from_memory(cdb);
  auto v = db.find(key, 100);
  return v.ok() && v->has_value() && (*v)->empty();
}
}  // namespace

START_TEST(hosts_are_lowered_and_comments_skipped) {
  auto cdb = newmrh::build_morercpthosts_cdb(
      "# comment\nExample.COM\n\n.Sub.Example.NET \t\r\n   \n#skip.example\nlast.example");
  ck_assert(cdb.ok());
  ck_assert(holds(*cdb, "example.com"));
  ck_assert(holds(*cdb, ".sub.example.net"));
  ck_assert(holds(*cdb, "last.example"));
  ck_assert(!holds(*cdb, "Example.COM"));
  ck_assert(!holds(*cdb, "#skip.example"));
  ck_assert(!holds(*cdb, "skip.example"));
  ck_assert(!holds(*cdb, ""));
  ck_assert(!holds(*cdb, "# comment"));
}
END_TEST

START_TEST(empty_input_gives_an_empty_database) {
  auto cdb = newmrh::build_morercpthosts_cdb("");
  ck_assert(cdb.ok());
  ck_assert_uint_eq(cdb->size(), 2048);  // the header alone
  ck_assert(!holds(*cdb, "example.com"));
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("newmrh");
  TCase* tc = tcase_create("build_morercpthosts_cdb");
  tcase_add_test(tc, hosts_are_lowered_and_comments_skipped);
  tcase_add_test(tc, empty_input_gives_an_empty_database);
  suite_add_tcase(s, tc);
  return s;
}
