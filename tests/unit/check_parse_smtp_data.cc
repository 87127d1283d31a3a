// Unit tests for src/lib/parse/smtp_data: the DATA decoder (end of data,
// dot-unstuffing, pieces of any size, smuggling) and the statistics it keeps.
#include "parse/smtp_data.h"

#include <check.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "check_main.h"

using namespace qmail::parse;
using namespace std::string_literals;

namespace {

struct Decoded {
  std::string out;
  std::size_t used = 0;  // bytes of the input consumed
  bool done = false;
  SmtpDataDecoder::Stats stats;
};

// Feeds `in` in pieces of `step` bytes (0: all at once); after the end each
// piece must be refused, as the caller would then read commands from it.
Decoded decode(std::string_view in, std::size_t step = 0) {
  SmtpDataDecoder d;
  Decoded r;
  if (step == 0) step = in.size() + 1;
  for (std::size_t off = 0; off < in.size(); off += step) {
    std::string_view piece = in.substr(off, step);
    std::size_t n = d.feed(piece, r.out);
    r.used += n;
    if (d.done()) break;
    ck_assert_uint_eq(n, piece.size());
  }
  r.done = d.done();
  r.stats = d.stats();
  return r;
}

// Same, with piece sizes from a fixed pseudo-random sequence.
Decoded decode_random(std::string_view in, unsigned seed) {
  SmtpDataDecoder d;
  Decoded r;
  std::size_t off = 0;
  for (int rounds = 0; off < in.size() && rounds < 100000; ++rounds) {
    seed = seed * 1103515245u + 12345u;
    std::size_t step = 1 + (seed >> 16) % 23;
    std::string_view piece = in.substr(off, step);
    std::size_t n = d.feed(piece, r.out);
    r.used += n;
    off += piece.size();
    if (d.done()) break;
  }
  r.done = d.done();
  r.stats = d.stats();
  return r;
}

bool same(const Decoded& a, const Decoded& b) {
  return a.out == b.out && a.used == b.used && a.done == b.done && a.stats.bytes == b.stats.bytes &&
         a.stats.hops == b.stats.hops && a.stats.bare_lf == b.stats.bare_lf &&
         a.stats.bare_cr == b.stats.bare_cr && a.stats.eight_bit == b.stats.eight_bit &&
         a.stats.header_too_long == b.stats.header_too_long;
}

// Compares two std::strings (the temporaries must outlive the check).
#define ck_assert_std_eq(a, b)                      \
  do {                                              \
    const std::string ck_a_ = (a), ck_b_ = (b);     \
    ck_assert_str_eq(ck_a_.c_str(), ck_b_.c_str()); \
  } while (0)

const std::string kMessage =
    "Received: from a.example\r\n"
    "Subject: test\r\n"
    "\r\n"
    "..leading dot\r\n"
    ".x\r\n"
    "line\rwith bare CR\r\n"
    "\xc3\xa9t\xc3\xa9\r\n"
    ".\r\n"
    "QUIT\r\n";
const std::string kStored =
    "Received: from a.example\n"
    "Subject: test\n"
    "\n"
    ".leading dot\n"
    "x\n"
    "line\rwith bare CR\n"
    "\xc3\xa9t\xc3\xa9\n";

}  // namespace

// ---- feed

START_TEST(simple_message_is_stored_with_lf_line_ends) {
  Decoded r = decode("Subject: hi\r\n\r\nhello\r\n.\r\n");
  ck_assert(r.done);
  ck_assert_std_eq(r.out, "Subject: hi\n\nhello\n");
  ck_assert_uint_eq(r.used, 25);
  ck_assert_uint_eq(r.stats.bytes, r.out.size());
  ck_assert(!r.stats.bare_lf);
  ck_assert(!r.stats.bare_cr);
  ck_assert(!r.stats.eight_bit);
}
END_TEST

START_TEST(leading_dots_are_removed) {
  Decoded r = decode(kMessage);
  ck_assert(r.done);
  ck_assert_std_eq(r.out, kStored);
  ck_assert(r.stats.bare_cr);
  ck_assert(!r.stats.bare_lf);
  ck_assert(r.stats.eight_bit);
  ck_assert_uint_eq(r.stats.hops, 1);
  ck_assert_std_eq(decode("...\r\n.\r\n").out, "..\n");
  ck_assert_std_eq(decode("a\r\n. \r\n.\r\n").out, "a\n \n");
}
END_TEST

START_TEST(empty_message_is_just_the_dot) {
  Decoded r = decode(".\r\n");
  ck_assert(r.done);
  ck_assert_std_eq(r.out, "");
  ck_assert_uint_eq(r.used, 3);
  ck_assert_uint_eq(r.stats.bytes, 0);
  r = decode("\r\n.\r\n");
  ck_assert(r.done);
  ck_assert_std_eq(r.out, "\n");
}
END_TEST

START_TEST(data_without_end_is_not_done) {
  Decoded r = decode("Subject: x\r\n\r\nbody\r\n.");
  ck_assert(!r.done);
  ck_assert_std_eq(r.out, "Subject: x\n\nbody\n");
  r = decode("body\r\n.\r");
  ck_assert(!r.done);
  r = decode("body.\r\n");
  ck_assert(!r.done);
  ck_assert_std_eq(r.out, "body.\n");
  r = decode("");
  ck_assert(!r.done);
}
END_TEST

START_TEST(bytes_after_the_end_are_left_to_the_caller) {
  Decoded r = decode(kMessage);
  ck_assert_uint_eq(r.used, kMessage.size() - 6);
  SmtpDataDecoder d;
  std::string out;
  ck_assert_uint_eq(d.feed(kMessage, out), kMessage.size() - 6);
  ck_assert(d.done());
  ck_assert_uint_eq(d.feed("MAIL FROM:<a@b>\r\n", out), 0);
  ck_assert_std_eq(out, kStored);
}
END_TEST

START_TEST(end_split_at_every_position_gives_the_same_result) {
  Decoded whole = decode(kMessage);
  for (std::size_t step = 1; step <= kMessage.size(); ++step)
    ck_assert(same(decode(kMessage, step), whole));
  for (unsigned seed = 1; seed <= 50; ++seed) ck_assert(same(decode_random(kMessage, seed), whole));
  // Cut exactly once at every position of the final CR LF . CR LF.
  for (std::size_t cut = 0; cut <= kMessage.size(); ++cut) {
    SmtpDataDecoder d;
    std::string out;
    std::size_t n = d.feed(std::string_view(kMessage).substr(0, cut), out);
    if (!d.done()) n += d.feed(std::string_view(kMessage).substr(cut), out);
    ck_assert_uint_eq(n, whole.used);
    ck_assert(d.done());
    ck_assert_std_eq(out, kStored);
  }
}
END_TEST

START_TEST(smuggled_end_sequences_are_message_content) {
  const std::string fakes[] = {"\n.\n", "\r.\r", "\r.\n", "\n.\r\n", "\r\n.\n", "\r.\r\n"};
  const std::string second = "MAIL FROM:<x@y>\r\nRCPT TO:<z@w>\r\nDATA\r\nevil";
  for (const std::string& fake : fakes) {
    std::string in = "Subject: s\r\n\r\nbody" + fake + second + "\r\n.\r\nQUIT\r\n";
    Decoded r = decode(in);
    ck_assert(r.done);
    ck_assert_uint_eq(r.used, in.size() - 6);
    ck_assert(r.out.find("MAIL FROM:<x@y>\n") != std::string::npos);
    ck_assert(r.out.find("DATA\nevil\n") != std::string::npos);
    ck_assert(r.out.size() >= 10 && r.out.compare(r.out.size() - 10, 10, "DATA\nevil\n") == 0);
    for (std::size_t step = 1; step <= 7; ++step) ck_assert(same(decode(in, step), r));
    ck_assert(r.stats.bare_lf || r.stats.bare_cr);
    // Without the real end the data goes on.
    ck_assert(!decode("Subject: s\r\n\r\nbody" + fake + second).done);
  }
}
END_TEST

START_TEST(dot_line_with_bare_line_end_is_kept) {
  ck_assert_std_eq(decode("a\r\n.\nb\r\n.\r\n").out, "a\n.\nb\n");
  ck_assert_std_eq(decode("a\r\n.\rb\r\n.\r\n").out, "a\n.\rb\n");
  ck_assert_std_eq(decode("a\r\n.\r\rb\r\n.\r\n").out, "a\n.\r\rb\n");
  ck_assert_std_eq(decode("a\r\n.\r\r\n.\r\n").out, "a\n.\r\n");
  ck_assert_std_eq(decode("a\n..\r\n.\r\n").out, "a\n..\n");
}
END_TEST

START_TEST(bare_line_ends_are_flagged) {
  Decoded r = decode("a\nb\r\n.\r\n");
  ck_assert(r.stats.bare_lf);
  ck_assert(!r.stats.bare_cr);
  ck_assert_std_eq(r.out, "a\nb\n");
  r = decode("a\rb\r\r\n.\r\n");
  ck_assert(!r.stats.bare_lf);
  ck_assert(r.stats.bare_cr);
  ck_assert_std_eq(r.out, "a\rb\r\n");
}
END_TEST

// ---- stats

START_TEST(received_and_delivered_to_fields_count_as_hops) {
  std::string head;
  for (int i = 0; i < 99; ++i) head += (i % 2 ? "Received: from x\r\n" : "DELIVERED-TO: y\r\n");
  Decoded r = decode(head + "\r\nbody\r\n.\r\n");
  ck_assert_uint_eq(r.stats.hops, 99);
  r = decode(head + "received:by z\r\n\r\nbody\r\n.\r\n");
  ck_assert_uint_eq(r.stats.hops, 100);
  ck_assert_uint_ge(r.stats.hops, kMaxHops);
  for (std::size_t step = 1; step <= 16; ++step)
    ck_assert_uint_eq(decode(head + "received:by z\r\n\r\n.\r\n", step).stats.hops, 100);
}
END_TEST

START_TEST(lookalike_and_body_fields_are_not_hops) {
  Decoded r = decode(
      "Received-SPF: pass\r\nX-Received: x\r\nReceived : x\r\n Received: folded\r\n"
      "Delivered-To2: x\r\nReceived\r\n\r\nReceived: in the body\r\nDelivered-To: body\r\n.\r\n");
  ck_assert_uint_eq(r.stats.hops, 0);
  r = decode("Subject: x\nReceived: after bare LF\r\n\r\n.\r\n");
  ck_assert_uint_eq(r.stats.hops, 1);
  r = decode("\r\nReceived: x\r\n.\r\n");
  ck_assert_uint_eq(r.stats.hops, 0);
}
END_TEST

START_TEST(long_header_field_is_flagged_but_decoded) {
  std::string big(kMaxSmtpHeaderField, 'x');
  Decoded r = decode("Subject: " + big + "\r\n\r\nbody\r\n.\r\n");
  ck_assert(r.done);
  ck_assert(r.stats.header_too_long);
  ck_assert_uint_eq(r.out.size(), 9 + big.size() + 1 + 1 + 5);
  // The same bytes folded over many lines still make one field.
  std::string folded = "Subject: a\r\n";
  for (std::size_t i = 0; i * 100 <= kMaxSmtpHeaderField; ++i)
    folded += " " + std::string(98, 'y') + "\r\n";
  ck_assert(decode(folded + "\r\n.\r\n").stats.header_too_long);
  // Many short fields are fine, and so is a long line in the body.
  std::string fields;
  for (std::size_t i = 0; i * 100 <= kMaxSmtpHeaderField; ++i)
    fields += "X: " + std::string(95, 'z') + "\r\n";
  ck_assert(!decode(fields + "\r\n.\r\n").stats.header_too_long);
  ck_assert(!decode("Subject: x\r\n\r\n" + big + big + "\r\n.\r\n").stats.header_too_long);
}
END_TEST

START_TEST(byte_count_matches_stored_bytes) {
  Decoded r = decode(kMessage, 3);
  ck_assert_uint_eq(r.stats.bytes, kStored.size());
  r = decode("\xff\r\n.\r\n");
  ck_assert(r.stats.eight_bit);
  ck_assert_uint_eq(r.stats.bytes, 2);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_smtp_data");
  TCase* tc = tcase_create("feed");
  tcase_add_test(tc, simple_message_is_stored_with_lf_line_ends);
  tcase_add_test(tc, leading_dots_are_removed);
  tcase_add_test(tc, empty_message_is_just_the_dot);
  tcase_add_test(tc, data_without_end_is_not_done);
  tcase_add_test(tc, bytes_after_the_end_are_left_to_the_caller);
  tcase_add_test(tc, end_split_at_every_position_gives_the_same_result);
  tcase_add_test(tc, smuggled_end_sequences_are_message_content);
  tcase_add_test(tc, dot_line_with_bare_line_end_is_kept);
  tcase_add_test(tc, bare_line_ends_are_flagged);
  suite_add_tcase(s, tc);

  tc = tcase_create("stats");
  tcase_add_test(tc, received_and_delivered_to_fields_count_as_hops);
  tcase_add_test(tc, lookalike_and_body_fields_are_not_hops);
  tcase_add_test(tc, long_header_field_is_flagged_but_decoded);
  tcase_add_test(tc, byte_count_matches_stored_bytes);
  suite_add_tcase(s, tc);
  return s;
}
