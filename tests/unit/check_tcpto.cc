// Unit tests for the downed-host table (src/lib/net/tcpto.h) and the two
// programs over it, qmail-tcpto (printing) and qmail-tcpok (clearing).  The
// images here are built byte by byte from the layout in tcpto.h, not with the
// code under test.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include <check.h>

#include "check_main.h"
#include "check_tmp.h"
#include "net/ip.h"
#include "net/tcpto.h"
#include "qmail-tcpok/tcpok.h"
#include "qmail-tcpto/tcpto_print.h"

/// Compares as strings, holding both values while Check looks at them.
#define expect_eq(got, want)                       \
  do {                                             \
    std::string got_ = (got);                      \
    std::string want_ = (want);                    \
    ck_assert_str_eq(got_.c_str(), want_.c_str()); \
  } while (0)

using namespace qmail;
using namespace qmail::net;

namespace {

const IpAddress kA = ipv4(192, 0, 2, 1);
const IpAddress kB = ipv4(198, 51, 100, 7);

IpAddress ip(const char* text) {
  auto a = parse_ip(text);
  ck_assert_msg(a.has_value(), "bad test address %s", text);
  return *a;
}

// One record in the file format: address bytes, family (4 or 6), count, time.
std::string record(const IpAddress& a, unsigned count, std::uint64_t last) {
  std::string r(kTcptoRecordSize, '\0');
  for (std::size_t i = 0; i < 16; ++i) r[i] = static_cast<char>(a.bytes[i]);
  r[16] = static_cast<char>(a.is_v4() ? 4 : 6);
  r[17] = static_cast<char>(count);
  for (std::size_t i = 0; i < 8; ++i) r[24 + i] = static_cast<char>((last >> (8 * i)) & 0xff);
  return r;
}

std::string empty_image() { return std::string(kTcptoFileSize, '\0'); }

// `image` with record `i` replaced.
std::string with_record(std::string image, std::size_t i, const std::string& rec) {
  image.replace(i * kTcptoRecordSize, kTcptoRecordSize, rec);
  return image;
}

std::string record_of(const std::string& image, std::size_t i) {
  return image.substr(i * kTcptoRecordSize, kTcptoRecordSize);
}

std::string read_all(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ck_assert_int_ge(fd, 0);
  char buf[4096];
  for (int i = 0; i < 1000; ++i) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

int open_out(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ck_assert_int_ge(fd, 0);
  return fd;
}

// A small deterministic generator for the garbage images.
std::uint32_t next_random(std::uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

}  // namespace

// ---- decode_tcpto -------------------------------------------------------------

START_TEST(decode_reads_v4_and_v6_records) {
  std::string image = with_record(empty_image(), 0, record(kA, 3, 1700000000));
  image = with_record(image, 5, record(ip("2001:db8::5"), 1, 1700000123));
  auto es = decode_tcpto(image);
  ck_assert_uint_eq(es.size(), 2);
  ck_assert(es[0].ip == kA);
  ck_assert_uint_eq(es[0].timeouts, 3);
  ck_assert_int_eq(es[0].last, 1700000000);
  ck_assert(es[1].ip == ip("2001:db8::5"));
  ck_assert(es[1].ip.is_v6());
  ck_assert_uint_eq(es[1].timeouts, 1);
  ck_assert_int_eq(es[1].last, 1700000123);
}
END_TEST

START_TEST(decode_leaves_out_empty_and_cleared_records) {
  ck_assert(decode_tcpto(empty_image()).empty());
  ck_assert(decode_tcpto("").empty());
  std::string image = with_record(empty_image(), 2, record(kA, 0, 1700000000));
  ck_assert(decode_tcpto(image).empty());
}
END_TEST

START_TEST(decode_reads_a_short_image_as_far_as_it_goes) {
  std::string image = record(kA, 2, 100) + record(kB, 4, 200);
  ck_assert_uint_eq(decode_tcpto(image).size(), 2);
  // half of the second record: only the first
  auto es = decode_tcpto(image.substr(0, kTcptoRecordSize + kTcptoRecordSize / 2));
  ck_assert_uint_eq(es.size(), 1);
  ck_assert(es[0].ip == kA);
  // qmail's old 1024-byte file size
  std::string old = with_record(std::string(1024, '\0'), 31, record(kB, 1, 5));
  ck_assert_uint_eq(decode_tcpto(old).size(), 1);
}
END_TEST

START_TEST(decode_ignores_bytes_past_the_table) {
  std::string image = empty_image() + record(kA, 2, 100);
  ck_assert(decode_tcpto(image).empty());
}
END_TEST

START_TEST(decode_rejects_records_that_make_no_sense) {
  std::string bad_family = record(kA, 2, 100);
  bad_family[16] = 5;
  std::string bad_count = record(kA, 11, 100);
  std::string v4_with_tail = record(kA, 2, 100);
  v4_with_tail[9] = 1;
  std::string reserved = record(kA, 2, 100);
  reserved[20] = 1;
  std::string far_future = record(kA, 2, std::uint64_t{1} << 41);
  std::string negative = record(kA, 2, ~std::uint64_t{0});
  IpAddress mapped;
  mapped.family = AF_INET6;
  mapped.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  std::string mapped_v6 = record(mapped, 2, 100);
  for (const auto& r :
       {bad_family, bad_count, v4_with_tail, reserved, far_future, negative, mapped_v6}) {
    ck_assert(decode_tcpto(with_record(empty_image(), 0, r)).empty());
  }
  ck_assert_uint_eq(decode_tcpto(record(kA, 10, 100)).size(), 1);
}
END_TEST

START_TEST(decode_of_garbage_gives_only_sane_entries) {
  std::uint32_t state = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string image(next_random(state) % (kTcptoFileSize + 64), '\0');
    for (auto& c : image) {
      std::uint32_t r = next_random(state);
      // mostly small bytes, so that some records pass the checks
      c = static_cast<char>(r % 4 == 0 ? (r >> 4) & 0xff : (r >> 4) % 7);
    }
    auto es = decode_tcpto(image);
    ck_assert_uint_le(es.size(), kTcptoRecords);
    for (const auto& e : es) {
      ck_assert(e.ip.is_v4() || e.ip.is_v6());
      ck_assert_uint_ge(e.timeouts, 1);
      ck_assert_uint_le(e.timeouts, 10);
      ck_assert_int_ge(e.last, 0);
      ck_assert(!format_ip(e.ip).empty());
    }
    // an update of any image gives a table of the right size that keeps it
    std::string next = update_tcpto(image, kA, true, 1000000);
    ck_assert_uint_eq(next.size(), kTcptoFileSize);
    bool found = false;
    for (const auto& e : decode_tcpto(next)) found = found || e.ip == kA;
    ck_assert(found);
  }
}
END_TEST

// ---- tcpto_skip -----------------------------------------------------------------

START_TEST(skip_needs_two_timeouts) {
  TcptoEntry e{kA, 1, 1000};
  ck_assert(!tcpto_skip(e, 1001, 0));
  e.timeouts = 2;
  ck_assert(tcpto_skip(e, 1001, 0));
  e.timeouts = 10;
  ck_assert(tcpto_skip(e, 1001, 0));
}
END_TEST

START_TEST(skip_ends_after_about_an_hour) {
  TcptoEntry e{kA, 2, 100000};
  ck_assert(tcpto_skip(e, 100000 + 60 * 64 - 1, 0));
  ck_assert(!tcpto_skip(e, 100000 + 60 * 64, 0));
  ck_assert(tcpto_skip(e, 100000 + 91 * 64 - 1, 31));
  ck_assert(!tcpto_skip(e, 100000 + 91 * 64, 31));
  // jitter is taken modulo 32
  ck_assert(!tcpto_skip(e, 100000 + 60 * 64, 32));
  // a last timeout in the future counts as just now
  ck_assert(tcpto_skip(e, 50000, 0));
}
END_TEST

// ---- update_tcpto ----------------------------------------------------------------

START_TEST(update_records_a_first_timeout) {
  std::string image = update_tcpto(empty_image(), kA, true, 1700000000);
  ck_assert_uint_eq(image.size(), kTcptoFileSize);
  ck_assert(record_of(image, 0) == record(kA, 1, 1700000000));
  ck_assert(image.substr(kTcptoRecordSize) == std::string(kTcptoFileSize - kTcptoRecordSize, '\0'));
  ck_assert(update_tcpto("", kA, true, 1700000000) == image);
}
END_TEST

START_TEST(update_counts_one_outage_once) {
  std::string image = update_tcpto(empty_image(), kA, true, 10000);
  ck_assert(update_tcpto(image, kA, true, 10119) == image);
  ck_assert(update_tcpto(image, kA, true, 9000) == image);  // clock set back
  image = update_tcpto(image, kA, true, 10120);
  ck_assert(record_of(image, 0) == record(kA, 2, 10120));
  ck_assert_uint_eq(decode_tcpto(image).size(), 1);
}
END_TEST

START_TEST(update_counts_up_to_ten) {
  std::string image = empty_image();
  for (int i = 0; i < 15; ++i) image = update_tcpto(image, kA, true, 10000 + 200 * i);
  ck_assert(record_of(image, 0) == record(kA, 10, 10000 + 200 * 14));
}
END_TEST

START_TEST(update_clears_on_success_and_reuses_the_record) {
  std::string image = update_tcpto(empty_image(), kB, true, 5000);
  image = update_tcpto(image, kA, true, 5000);
  image = update_tcpto(image, kA, true, 5200);
  image = update_tcpto(image, kA, false, 5300);
  ck_assert(record_of(image, 1) == record(kA, 0, 5200));
  ck_assert_uint_eq(decode_tcpto(image).size(), 1);
  ck_assert(update_tcpto(image, kA, false, 5400) == image);
  image = update_tcpto(image, kA, true, 5500);
  ck_assert(record_of(image, 1) == record(kA, 1, 5500));
}
END_TEST

START_TEST(update_leaves_unknown_successes_alone) {
  std::string image = with_record(empty_image(), 3, record(kB, 2, 100));
  ck_assert(update_tcpto(image, kA, false, 200) == image);
  // an old short table is padded to the full size
  std::string old(1024, '\0');
  ck_assert(update_tcpto(old, kA, false, 200) == empty_image());
  // no address at all
  ck_assert(update_tcpto(image, IpAddress{}, true, 200) == image);
}
END_TEST

START_TEST(update_takes_the_first_empty_or_cleared_record) {
  std::string image = with_record(empty_image(), 0, record(kB, 2, 100));
  image = with_record(image, 1, record(ip("203.0.113.9"), 0, 100));
  image = update_tcpto(image, kA, true, 300);
  ck_assert(record_of(image, 1) == record(kA, 1, 300));
  // a record that makes no sense counts as empty
  std::string garbage(kTcptoFileSize, '\xff');
  image = update_tcpto(garbage, kA, true, 300);
  ck_assert(record_of(image, 0) == record(kA, 1, 300));
  ck_assert(image.substr(kTcptoRecordSize) == garbage.substr(kTcptoRecordSize));
}
END_TEST

START_TEST(update_replaces_the_oldest_record_when_full) {
  std::string image;
  for (std::size_t i = 0; i < kTcptoRecords; ++i)
    image += record(ipv4(10, 0, 0, static_cast<unsigned char>(i)), 1, 100000 + i);
  // weight = last + 1024 * timeouts: 98000 + 3072 loses to 99500 + 1024
  image = with_record(image, 40, record(ipv4(10, 0, 1, 40), 3, 98000));
  image = with_record(image, 50, record(ipv4(10, 0, 1, 50), 1, 99500));
  std::string next = update_tcpto(image, kA, true, 200000);
  ck_assert(record_of(next, 50) == record(kA, 1, 200000));
  for (std::size_t i = 0; i < kTcptoRecords; ++i)
    if (i != 50) ck_assert(record_of(next, i) == record_of(image, i));
  // equal weights: the first one goes
  std::string flat;
  for (std::size_t i = 0; i < kTcptoRecords; ++i)
    flat += record(ipv4(10, 0, 0, static_cast<unsigned char>(i)), 2, 5000);
  next = update_tcpto(flat, kA, true, 9000);
  ck_assert(record_of(next, 0) == record(kA, 1, 9000));
}
END_TEST

START_TEST(update_keeps_ipv6_apart_from_ipv4) {
  // c000:201:: has the bytes of 192.0.2.1 first and zeroes after: only the
  // family tells them apart.
  IpAddress six = ip("c000:201::");
  std::string image = update_tcpto(empty_image(), kA, true, 1000);
  image = update_tcpto(image, six, true, 1000);
  ck_assert(record_of(image, 1) == record(six, 1, 1000));
  image = update_tcpto(image, six, true, 2000);
  auto es = decode_tcpto(image);
  ck_assert_uint_eq(es.size(), 2);
  ck_assert(es[0].ip == kA && es[0].timeouts == 1);
  ck_assert(es[1].ip == six && es[1].timeouts == 2);
  expect_eq(format_ip(es[1].ip), "c000:201::");
}
END_TEST

// ---- TcptoTable ------------------------------------------------------------------

START_TEST(table_records_reads_and_clears_a_file) {
  std::string path = check_tmp::make_dir("check_tcpto") + "/tcpto";
  check_tmp::write_file(path, empty_image());
  TcptoTable table(path);
  ck_assert(!table.should_skip(kA, 1000, 0));
  table.record(kA, true, 1000);
  ck_assert(!table.should_skip(kA, 1001, 0));
  table.record(kA, true, 1200);
  bool listed = false;
  ck_assert(table.should_skip(kA, 1201, 0, &listed));
  ck_assert(listed);
  ck_assert(!table.should_skip(kB, 1201, 0, &listed));
  ck_assert(!listed);
  table.record(ip("2001:db8::1"), true, 1300);
  auto es = table.read();
  ck_assert(es.ok());
  ck_assert_uint_eq(es->size(), 2);
  ck_assert(es->at(0).ip == kA);
  ck_assert_uint_eq(es->at(0).timeouts, 2);
  ck_assert(es->at(1).ip == ip("2001:db8::1"));
  table.record(kA, false, 1400);
  listed = true;
  ck_assert(!table.should_skip(kA, 1401, 0, &listed));
  ck_assert(!listed);  // a cleared record is no longer listed
  ck_assert(table.clear().ok());
  ck_assert(read_all(path) == empty_image());
  ck_assert(table.read()->empty());
}
END_TEST

START_TEST(table_grows_an_old_short_file) {
  std::string path = check_tmp::make_dir("check_tcpto") + "/tcpto";
  check_tmp::write_file(path, std::string(1024, '\0'));
  TcptoTable table(path);
  table.record(kA, false, 1000);  // nothing to change: the file stays as it is
  ck_assert_uint_eq(read_all(path).size(), 1024);
  table.record(kA, true, 1000);
  std::string image = read_all(path);
  ck_assert_uint_eq(image.size(), kTcptoFileSize);
  ck_assert(record_of(image, 0) == record(kA, 1, 1000));
  ck_assert(table.clear().ok());
  ck_assert(read_all(path) == empty_image());
}
END_TEST

START_TEST(table_without_a_file) {
  std::string dir = check_tmp::make_dir("check_tcpto");
  TcptoTable table(dir + "/tcpto");
  ck_assert(!table.should_skip(kA, 1000, 0));
  table.record(kA, true, 1000);  // ignored, and no file made
  auto es = table.read();
  ck_assert(!es.ok());
  ck_assert(es.error().temporary());
  ck_assert_int_eq(es.error().errnum, ENOENT);
  expect_eq(es.error().what, "unable to open " + dir + "/tcpto");
  auto st = table.clear();
  ck_assert(!st.ok());
  ck_assert_int_eq(st.error().errnum, ENOENT);
  ck_assert_int_eq(::access((dir + "/tcpto").c_str(), F_OK), -1);
}
END_TEST

// ---- qmail-tcpto and qmail-tcpok -------------------------------------------------------

START_TEST(format_prints_qmails_lines) {
  std::vector<TcptoEntry> es = {{kA, 3, 1000}, {ip("2001:db8::5"), 1, 1570}};
  expect_eq(tcpto::format_tcpto(es, 1600),
            "192.0.2.1 timed out 600 seconds ago; # recent timeouts: 3\n"
            "2001:db8::5 timed out 30 seconds ago; # recent timeouts: 1\n");
  expect_eq(tcpto::format_tcpto({{kA, 2, 5000}}, 4000),
            "192.0.2.1 timed out 0 seconds ago; # recent timeouts: 2\n");
  expect_eq(tcpto::format_tcpto({}, 4000), "");
}
END_TEST

START_TEST(print_writes_the_table) {
  std::string dir = check_tmp::make_dir("check_tcpto");
  std::string image = with_record(empty_image(), 0, record(kB, 4, 100));
  image = with_record(image, 1, record(kA, 0, 100));  // cleared: not printed
  check_tmp::write_file(dir + "/tcpto", image);
  int out = open_out(dir + "/out");
  int err = open_out(dir + "/err");
  ck_assert_int_eq(tcpto::print_tcpto(dir + "/tcpto", 160, out, err), 0);
  ::close(out);
  ::close(err);
  expect_eq(read_all(dir + "/out"),
            "198.51.100.7 timed out 60 seconds ago; # recent timeouts: 4\n");
  expect_eq(read_all(dir + "/err"), "");
}
END_TEST

START_TEST(print_exits_111_without_a_table) {
  std::string dir = check_tmp::make_dir("check_tcpto");
  int out = open_out(dir + "/out");
  int err = open_out(dir + "/err");
  ck_assert_int_eq(tcpto::print_tcpto(dir + "/tcpto", 160, out, err), 111);
  ::close(out);
  ::close(err);
  expect_eq(read_all(dir + "/out"), "");
  std::string msg = read_all(dir + "/err");
  std::string want = "qmail-tcpto: fatal: unable to open " + dir + "/tcpto: ";
  ck_assert_msg(msg.rfind(want, 0) == 0, "%s", msg.c_str());
  ck_assert(msg.back() == '\n');
}
END_TEST

START_TEST(tcpok_clears_or_exits_111) {
  std::string dir = check_tmp::make_dir("check_tcpto");
  check_tmp::write_file(dir + "/tcpto", with_record(empty_image(), 7, record(kA, 9, 100)));
  int err = open_out(dir + "/err");
  ck_assert_int_eq(tcpok::clear_tcpto(dir + "/tcpto", err), 0);
  ck_assert(read_all(dir + "/tcpto") == empty_image());
  ck_assert_int_eq(tcpok::clear_tcpto(dir + "/none", err), 111);
  ::close(err);
  std::string msg = read_all(dir + "/err");
  std::string want = "qmail-tcpok: fatal: unable to open " + dir + "/none: ";
  ck_assert_msg(msg.rfind(want, 0) == 0, "%s", msg.c_str());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("tcpto");
  TCase* tc = tcase_create("decode_tcpto");
  tcase_add_test(tc, decode_reads_v4_and_v6_records);
  tcase_add_test(tc, decode_leaves_out_empty_and_cleared_records);
  tcase_add_test(tc, decode_reads_a_short_image_as_far_as_it_goes);
  tcase_add_test(tc, decode_ignores_bytes_past_the_table);
  tcase_add_test(tc, decode_rejects_records_that_make_no_sense);
  tcase_add_test(tc, decode_of_garbage_gives_only_sane_entries);
  suite_add_tcase(s, tc);
  tc = tcase_create("tcpto_skip");
  tcase_add_test(tc, skip_needs_two_timeouts);
  tcase_add_test(tc, skip_ends_after_about_an_hour);
  suite_add_tcase(s, tc);
  tc = tcase_create("update_tcpto");
  tcase_add_test(tc, update_records_a_first_timeout);
  tcase_add_test(tc, update_counts_one_outage_once);
  tcase_add_test(tc, update_counts_up_to_ten);
  tcase_add_test(tc, update_clears_on_success_and_reuses_the_record);
  tcase_add_test(tc, update_leaves_unknown_successes_alone);
  tcase_add_test(tc, update_takes_the_first_empty_or_cleared_record);
  tcase_add_test(tc, update_replaces_the_oldest_record_when_full);
  tcase_add_test(tc, update_keeps_ipv6_apart_from_ipv4);
  suite_add_tcase(s, tc);
  tc = tcase_create("TcptoTable");
  tcase_add_test(tc, table_records_reads_and_clears_a_file);
  tcase_add_test(tc, table_grows_an_old_short_file);
  tcase_add_test(tc, table_without_a_file);
  suite_add_tcase(s, tc);
  tc = tcase_create("programs");
  tcase_add_test(tc, format_prints_qmails_lines);
  tcase_add_test(tc, print_writes_the_table);
  tcase_add_test(tc, print_exits_111_without_a_table);
  tcase_add_test(tc, tcpok_clears_or_exits_111);
  suite_add_tcase(s, tc);
  return s;
}
