// Unit tests for src/lib/parse/smtp_dot: the DATA encoder of qmail-remote
// (line ends, dot-stuffing, chunks split anywhere, the end of data) and the
// scan that predicts its size.
#include "parse/smtp_dot.h"

#include <check.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "check_main.h"

using namespace qmail::parse;
using namespace std::string_literals;

namespace {

// Compares two std::strings, NUL bytes included (the temporaries must
// outlive the check; ck_assert_str_eq shows the difference).
#define ck_assert_std_eq(a, b)                      \
  do {                                              \
    const std::string ck_a_ = (a), ck_b_ = (b);     \
    ck_assert_str_eq(ck_a_.c_str(), ck_b_.c_str()); \
    ck_assert(ck_a_ == ck_b_);                      \
  } while (0)

struct Case {
  std::string in;
  std::string wire;  // everything sent, the final ".\r\n" included
};

// The table every test runs through.  Bare CR and bare LF become CR LF, and
// every dot that starts a line on the wire is doubled.
const Case kCases[] = {
    {"", ".\r\n"},
    {"no newline", "no newline\r\n.\r\n"},
    {"line\n", "line\r\n.\r\n"},
    {"line\r\n", "line\r\n.\r\n"},
    {"a\r.\r\nb", "a\r\n..\r\nb\r\n.\r\n"},
    {".\n", "..\r\n.\r\n"},
    {".", "..\r\n.\r\n"},
    {"\r.\r", "\r\n..\r\n.\r\n"},
    {"x\n.\n", "x\r\n..\r\n.\r\n"},
    {"x\r\n.\r\n", "x\r\n..\r\n.\r\n"},
    {"..", "...\r\n.\r\n"},
    {"...\n", "....\r\n.\r\n"},
    {". \n", ".. \r\n.\r\n"},
    {"a.b\n.c.\n", "a.b\r\n..c.\r\n.\r\n"},
    {"\n", "\r\n.\r\n"},
    {"\r", "\r\n.\r\n"},
    {"\r\r\n", "\r\n\r\n.\r\n"},
    {"\n\r", "\r\n\r\n.\r\n"},
    {"\r\n\r\n", "\r\n\r\n.\r\n"},
    {"\n.\r\n.\n", "\r\n..\r\n..\r\n.\r\n"},
    {"x\r\r.\n", "x\r\n\r\n..\r\n.\r\n"},
    {"\xc3\xa9t\xc3\xa9\n\x80.\xff", "\xc3\xa9t\xc3\xa9\r\n\x80.\xff\r\n.\r\n"},
    {"a\0b\n"s, "a\0b\r\n.\r\n"s},
    {"Subject: x\n\nbody\n.\n..\nend\n", "Subject: x\r\n\r\nbody\r\n..\r\n...\r\nend\r\n.\r\n"},
};

std::string encode_whole(std::string_view in) {
  DotStuffer d;
  std::string out;
  d.feed(in, out);
  d.finish(out);
  return out;
}

std::string encode_bytewise(std::string_view in) {
  DotStuffer d;
  std::string out;
  for (char c : in) d.feed(std::string_view(&c, 1), out);
  d.finish(out);
  return out;
}

std::string encode_split(std::string_view in, std::size_t at) {
  DotStuffer d;
  std::string out;
  d.feed(in.substr(0, at), out);
  d.feed(in.substr(at), out);
  d.finish(out);
  return out;
}

MessageScan scan_whole(std::string_view in) {
  MessageScanner s;
  s.feed(in);
  return s.result();
}

}  // namespace

// ---- DotStuffer

START_TEST(table_encodes_as_expected) {
  for (const Case& c : kCases) ck_assert_std_eq(encode_whole(c.in), c.wire);
}
END_TEST

START_TEST(byte_by_byte_gives_the_same_output) {
  for (const Case& c : kCases) ck_assert_std_eq(encode_bytewise(c.in), c.wire);
}
END_TEST

START_TEST(two_chunks_split_anywhere_give_the_same_output) {
  for (const Case& c : kCases)
    for (std::size_t at = 0; at <= c.in.size(); ++at)
      ck_assert_std_eq(encode_split(c.in, at), c.wire);
}
END_TEST

START_TEST(cr_at_chunk_end_waits_for_the_next_chunk) {
  DotStuffer d;
  std::string out;
  d.feed("ab\r", out);
  ck_assert_std_eq(out, "ab");
  d.feed("\n.x", out);
  ck_assert_std_eq(out, "ab\r\n..x");
  d.feed("\r", out);
  ck_assert_std_eq(out, "ab\r\n..x");
  d.feed(".", out);  // the CR was bare: a line end, so the dot starts a line
  ck_assert_std_eq(out, "ab\r\n..x\r\n..");
  d.feed("\r", out);
  d.finish(out);
  ck_assert_std_eq(out, "ab\r\n..x\r\n..\r\n.\r\n");
}
END_TEST

START_TEST(empty_chunks_change_nothing) {
  DotStuffer d;
  std::string out;
  d.feed("", out);
  d.feed("a\r", out);
  d.feed("", out);
  d.feed("\n", out);
  d.feed("", out);
  d.finish(out);
  ck_assert_std_eq(out, "a\r\n.\r\n");
}
END_TEST

START_TEST(fed_counts_message_bytes_until_finish) {
  DotStuffer d;
  std::string out;
  d.feed("a\n.", out);
  d.feed("\r", out);
  ck_assert_uint_eq(d.fed(), 4);
  d.finish(out);
  ck_assert_uint_eq(d.fed(), 0);
}
END_TEST

START_TEST(finish_makes_the_stuffer_ready_for_the_next_message) {
  DotStuffer d;
  std::string out;
  d.feed("first\r", out);
  d.finish(out);
  d.feed(".second", out);
  d.finish(out);
  ck_assert_std_eq(out, "first\r\n.\r\n..second\r\n.\r\n");
}
END_TEST

START_TEST(output_has_no_bare_cr_or_lf) {
  for (const Case& c : kCases) {
    std::string out = encode_whole(c.in);
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == '\r') ck_assert(i + 1 < out.size() && out[i + 1] == '\n');
      if (out[i] == '\n') ck_assert(i > 0 && out[i - 1] == '\r');
    }
  }
}
END_TEST

// ---- MessageScanner

START_TEST(scan_size_is_the_wire_size_without_the_end) {
  for (const Case& c : kCases) {
    ck_assert_uint_eq(scan_whole(c.in).wire_size, c.wire.size() - 3);
    MessageScanner s;
    for (char ch : c.in) s.feed(std::string_view(&ch, 1));
    ck_assert_uint_eq(s.result().wire_size, c.wire.size() - 3);
  }
}
END_TEST

START_TEST(scan_result_can_be_read_between_chunks) {
  MessageScanner s;
  s.feed("a\r");
  ck_assert_uint_eq(s.result().wire_size, 3);  // "a" CR LF
  s.feed("\n");
  ck_assert_uint_eq(s.result().wire_size, 3);
  s.feed(".");
  ck_assert_uint_eq(s.result().wire_size, 7);  // + ".." CR LF
}
END_TEST

START_TEST(scan_flags_eight_bit_and_nul) {
  MessageScan r = scan_whole("plain\n");
  ck_assert(!r.eight_bit);
  ck_assert(!r.nul);
  r = scan_whole("caf\xc3\xa9\n");
  ck_assert(r.eight_bit);
  ck_assert(!r.nul);
  r = scan_whole("a\0b"s);
  ck_assert(!r.eight_bit);
  ck_assert(r.nul);
  r = scan_whole("\x80");
  ck_assert(r.eight_bit);
  r = scan_whole("\x7f");
  ck_assert(!r.eight_bit);
}
END_TEST

START_TEST(scan_of_a_large_chunk_matches_the_encoder) {
  // Lines of varying length, so that CR LF pairs and dots fall on every kind
  // of boundary, including the scanner's own internal slices.
  std::string big;
  for (unsigned i = 0; big.size() < 300000; ++i) {
    big += std::string(i % 97, 'x');
    big += (i % 3 == 0) ? "\r\n." : (i % 3 == 1) ? "\n" : "\r";
  }
  std::string wire = encode_whole(big);
  ck_assert_uint_eq(scan_whole(big).wire_size, wire.size() - 3);
  // And one CR LF split exactly across 64 KiB.
  std::string edge(65535, 'y');
  edge += "\r\n.\r";
  ck_assert_uint_eq(scan_whole(edge).wire_size, encode_whole(edge).size() - 3);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_smtp_dot");
  TCase* tc = tcase_create("DotStuffer");
  tcase_add_test(tc, table_encodes_as_expected);
  tcase_add_test(tc, byte_by_byte_gives_the_same_output);
  tcase_add_test(tc, two_chunks_split_anywhere_give_the_same_output);
  tcase_add_test(tc, cr_at_chunk_end_waits_for_the_next_chunk);
  tcase_add_test(tc, empty_chunks_change_nothing);
  tcase_add_test(tc, fed_counts_message_bytes_until_finish);
  tcase_add_test(tc, finish_makes_the_stuffer_ready_for_the_next_message);
  tcase_add_test(tc, output_has_no_bare_cr_or_lf);
  suite_add_tcase(s, tc);

  tc = tcase_create("MessageScanner");
  tcase_add_test(tc, scan_size_is_the_wire_size_without_the_end);
  tcase_add_test(tc, scan_result_can_be_read_between_chunks);
  tcase_add_test(tc, scan_flags_eight_bit_and_nul);
  tcase_add_test(tc, scan_of_a_large_chunk_matches_the_encoder);
  suite_add_tcase(s, tc);
  return s;
}
