// Unit tests for src/lib/control/cdb (reader) and cdb_make (writer), and
// qmail-newu's users/cdb, against the cdb format and, when Debian's tinycdb
// is installed, against its cdb tool both ways.
#include <check.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "check_main.h"
#include "control/cdb.h"
#include "control/cdb_make.h"
#include "qmail-newu/newu.h"
#include "sys/open.h"

using namespace qmail;
using control::Cdb;
using control::CdbMake;

namespace {
std::uint32_t u32_at(const std::string& s, std::size_t at) {
  auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i]));
  };
  return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
}

std::string le32(std::uint32_t n) {
  std::string s;
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return s;
}

std::string make(std::initializer_list<std::pair<std::string, std::string>> records) {
  CdbMake m;
  for (const auto& [k, v] : records) ck_assert(m.add(k, v).ok());
  auto bytes = m.finish();
  ck_assert(bytes.ok());
  return *bytes;
}

std::string lookup(const Cdb& db, std::string_view key) {
  auto v = db.find(key, 1 << 20);
  ck_assert_msg(v.ok(), "lookup failed");
  return v->value_or("<none>");
}

std::string tmpdir() {
  char tmpl[] = "/tmp/check_cdb.XXXXXX";
  ck_assert(::mkdtemp(tmpl) != nullptr);
  return tmpl;
}

// The fields of a users/cdb value: joined by NUL, no NUL after the last.
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

bool have_tinycdb() { return ::access("/usr/bin/cdb", X_OK) == 0; }

int sh(const std::string& cmd) {
  int w = std::system(cmd.c_str());
  return WIFEXITED(w) ? WEXITSTATUS(w) : -1;
}
}  // namespace

START_TEST(hash_is_djb_times_33_xor) {
  ck_assert_uint_eq(control::cdb_hash(""), 5381u);
  ck_assert_uint_eq(control::cdb_hash("one"), 0x0b875b81u);
  ck_assert_uint_eq(control::cdb_hash(std::string("!joe\0", 5)), 0x05e43c84u);
}
END_TEST

START_TEST(empty_cdb_is_a_table_pointing_at_2048) {
  std::string bytes = make({});
  ck_assert_uint_eq(bytes.size(), 2048u);
  for (std::size_t i = 0; i < 256; ++i) {
    ck_assert_uint_eq(u32_at(bytes, i * 8), 2048u);
    ck_assert_uint_eq(u32_at(bytes, i * 8 + 4), 0u);
  }
  Cdb db = Cdb::from_memory(bytes);
  ck_assert(lookup(db, "x") == "<none>");
}
END_TEST

START_TEST(one_record_has_the_bytes_the_format_defines) {
  // "one" hashes to 0x0b875b81: bucket 0x81, slot (hash >> 8) % 2 == 1.
  std::string bytes = make({{"one", "Hello"}});
  std::string want;
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t pos = i <= 0x81 ? 2064 : 2080;
    want += le32(pos) + le32(i == 0x81 ? 2 : 0);
  }
  want += le32(3) + le32(5) + "one" + "Hello";
  want += le32(0) + le32(0) + le32(0x0b875b81) + le32(2048);
  ck_assert_uint_eq(bytes.size(), want.size());
  ck_assert(bytes == want);
}
END_TEST

START_TEST(finds_every_value_of_a_key_in_order) {
  CdbMake m;
  for (int i = 0; i < 500; ++i)
    ck_assert(m.add("key" + std::to_string(i), "v" + std::to_string(i)).ok());
  ck_assert(m.add("dup", "first").ok());
  ck_assert(m.add("dup", "second").ok());
  ck_assert(m.add("", "empty key").ok());
  ck_assert(m.add(std::string("a\0b", 3), std::string("\0\1", 2)).ok());
  auto bytes = m.finish();
  ck_assert(bytes.ok());
  Cdb db = Cdb::from_memory(*bytes);
  for (int i = 0; i < 500; ++i)
    ck_assert(lookup(db, "key" + std::to_string(i)) == "v" + std::to_string(i));
  ck_assert(lookup(db, "") == "empty key");
  ck_assert(lookup(db, std::string("a\0b", 3)) == std::string("\0\1", 2));
  ck_assert(lookup(db, "key500") == "<none>");
  auto s = db.search("dup");
  auto a = s.next(100);
  auto b = s.next(100);
  auto c = s.next(100);
  ck_assert(a.ok() && b.ok() && c.ok());
  ck_assert(a->value() == "first");
  ck_assert(b->value() == "second");
  ck_assert(!c->has_value());
}
END_TEST

START_TEST(value_over_the_callers_limit_is_an_error) {
  std::string bytes = make({{"k", std::string(100, 'x')}});
  Cdb db = Cdb::from_memory(bytes);
  ck_assert(!db.find("k", 99).ok());
  ck_assert(db.find("k", 100).ok());
}
END_TEST

START_TEST(corrupt_files_give_errors_not_crashes) {
  std::string good = make({{"one", "Hello"}, {"two", "World"}});
  // truncated anywhere: every lookup ends, with a value, nothing or an error
  for (std::size_t n = 0; n < good.size(); n += 7) {
    Cdb db = Cdb::from_memory(std::string_view(good).substr(0, n));
    auto v = db.find("one", 100);
    if (n < 2048) ck_assert(!v.ok());
  }
  // a table pointing past the end
  std::string bad = good;
  bad.replace(0x81 * 8, 4, le32(0xfffffff0));
  ck_assert(!Cdb::from_memory(bad).find("one", 100).ok());
  // a huge slot count
  bad = good;
  bad.replace(0x81 * 8 + 4, 4, le32(0xffffffff));
  ck_assert(!Cdb::from_memory(bad).find("one", 100).ok());
  // a record with a huge data length
  bad = good;
  bad.replace(2048 + 4, 4, le32(0xfffffff0));
  ck_assert(!Cdb::from_memory(bad).find("one", 100).ok());
  // a table with no empty slot and no match still ends
  bad = make({{"one", "Hello"}});
  bad.replace(2048 + 8, 3, "onx");                  // the record no longer matches
  bad.replace(2048 + 16, 8, le32(1) + le32(2048));  // slot 0 used by another hash
  auto v = Cdb::from_memory(bad).find("one", 100);
  ck_assert(v.ok());
  ck_assert(!v->has_value());
}
END_TEST

START_TEST(open_reports_a_missing_file_with_enoent) {
  auto db = Cdb::open("/nonexistent/users/cdb");
  ck_assert(!db.ok());
  ck_assert_int_eq(db.error().errnum, ENOENT);
}
END_TEST

START_TEST(written_file_is_read_back_and_no_temp_is_left) {
  std::string dir = tmpdir();
  CdbMake m;
  ck_assert(m.add("alpha", "1").ok());
  ck_assert(control::write_cdb_atomic(dir + "/x.cdb", m, 0644).ok());
  auto db = Cdb::open(dir + "/x.cdb");
  ck_assert(db.ok());
  ck_assert(lookup(*db, "alpha") == "1");
  auto tmp = sys::exists(dir + "/x.cdb.tmp");
  ck_assert(tmp.ok() && !*tmp);
  sh("rm -rf " + dir);
}
END_TEST

START_TEST(tinycdb_reads_our_files_and_we_read_its) {
  if (!have_tinycdb()) return;  // skipped: apt-get install tinycdb
  std::string dir = tmpdir();
  CdbMake m;
  ck_assert(m.add("one", "Hello").ok());
  ck_assert(m.add("two", "World").ok());
  ck_assert(m.add("one", "Again").ok());
  ck_assert(control::write_cdb_atomic(dir + "/ours.cdb", m, 0644).ok());
  ck_assert_int_eq(sh("test \"$(cdb -q " + dir + "/ours.cdb two)\" = World"), 0);
  ck_assert_int_eq(sh("test \"$(cdb -q -n 2 " + dir + "/ours.cdb one)\" = Again"), 0);
  ck_assert_int_eq(sh("cdb -q " + dir + "/ours.cdb three >/dev/null"), 100);
  // cdbmake's input format: +klen,dlen:key->data
  ck_assert_int_eq(sh("printf '+3,5:one->Hello\\n+3,5:two->World\\n+0,4:->void\\n\\n' | cdb -c " +
                      dir + "/theirs.cdb"),
                   0);
  auto db = Cdb::open(dir + "/theirs.cdb");
  ck_assert(db.ok());
  ck_assert(lookup(*db, "two") == "World");
  ck_assert(lookup(*db, "") == "void");
  // both makers lay the same records out byte for byte
  CdbMake same;
  ck_assert(same.add("one", "Hello").ok());
  ck_assert(same.add("two", "World").ok());
  ck_assert(same.add("", "void").ok());
  auto ours = same.finish();
  std::string theirs;
  ck_assert(sys::read_file(dir + "/theirs.cdb", theirs, 1 << 20, nullptr).ok());
  ck_assert(ours.ok() && *ours == theirs);
  sh("rm -rf " + dir);
}
END_TEST

START_TEST(newu_lays_out_users_cdb_as_qmail) {
  auto bytes = newu::build_users_cdb(
      "=Joe.Shmoe:joe:503:78:/home/joe:::\n"
      "+:alias:7790:2108:/var/qmail/alias:-::\n"
      "+joe-:joe:507:100:/home/joe:-:x:\n"
      ".\n");
  ck_assert(bytes.ok());
  Cdb db = Cdb::from_memory(*bytes);
  ck_assert(lookup(db, std::string("!joe.shmoe\0", 11)) ==
            nul_join({"joe", "503", "78", "/home/joe", "", ""}));
  ck_assert(lookup(db, "!joe-") == nul_join({"joe", "507", "100", "/home/joe", "-", "x"}));
  ck_assert(lookup(db, "!") == nul_join({"alias", "7790", "2108", "/var/qmail/alias", "-", ""}));
  ck_assert(lookup(db, "") == "-");
  ck_assert(!newu::build_users_cdb("=joe:joe:1:2:/h::\n.\n").ok());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("cdb");
  TCase* tc = tcase_create("format");
  tcase_add_test(tc, hash_is_djb_times_33_xor);
  tcase_add_test(tc, empty_cdb_is_a_table_pointing_at_2048);
  tcase_add_test(tc, one_record_has_the_bytes_the_format_defines);
  suite_add_tcase(s, tc);
  tc = tcase_create("find");
  tcase_add_test(tc, finds_every_value_of_a_key_in_order);
  tcase_add_test(tc, value_over_the_callers_limit_is_an_error);
  tcase_add_test(tc, corrupt_files_give_errors_not_crashes);
  tcase_add_test(tc, open_reports_a_missing_file_with_enoent);
  suite_add_tcase(s, tc);
  tc = tcase_create("make");
  tcase_add_test(tc, written_file_is_read_back_and_no_temp_is_left);
  tcase_add_test(tc, tinycdb_reads_our_files_and_we_read_its);
  tcase_add_test(tc, newu_lays_out_users_cdb_as_qmail);
  suite_add_tcase(s, tc);
  return s;
}
