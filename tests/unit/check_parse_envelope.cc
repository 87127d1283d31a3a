// Unit tests for src/lib/parse/envelope: qmail-queue's input envelope (whole
// and pushed in pieces) and the queue's intd/todo records.
#include "parse/envelope.h"

#include <check.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "check_main.h"

using namespace qmail;
using namespace qmail::parse;
using namespace std::string_literals;

namespace {

// Runs the push parser over `bytes` cut into pieces of `step` bytes and
// returns the records it saw: "F<addr>|T<addr>|...|" then END, END+DATA,
// BAD or TOOLONG.
std::string push(std::string_view bytes, std::size_t step) {
  EnvelopeParser p;
  std::string out;
  std::size_t off = 0;
  for (std::size_t rounds = 0; rounds <= bytes.size() + 1; ++rounds) {
    bool at_eof = off >= bytes.size();
    std::string_view piece = bytes.substr(std::min(off, bytes.size()), step);
    off += piece.size();
    for (int records = 0; records < 10000; ++records) {
      EnvelopeEvent ev = at_eof ? p.finish() : p.next(piece);
      if (ev == EnvelopeEvent::kSender || ev == EnvelopeEvent::kRecipient) {
        out += (ev == EnvelopeEvent::kSender ? "F" : "T") + std::string(p.address()) + "|";
        continue;
      }
      if (ev == EnvelopeEvent::kNeedMore) break;
      if (ev == EnvelopeEvent::kEnd)
        return out + (piece.empty() && off >= bytes.size() ? "END" : "END+DATA");
      return out + (ev == EnvelopeEvent::kBad ? "BAD" : "TOOLONG");
    }
  }
  return out + "NEVER";
}

bool is_bad(const Result<Envelope>& r) { return !r && r.error().kind == ErrorKind::kBug; }
bool is_too_long(const Result<Envelope>& r) {
  return !r && r.error().kind == ErrorKind::kPermanent && r.error().what == "address too long";
}

}  // namespace

START_TEST(envelope_with_sender_and_recipients_parses) {
  auto r = parse_envelope("Fjoe@a.example\0Tbob@b.example\0Tann@c.example\0\0"s);
  ck_assert(r.ok());
  ck_assert(r->sender == "joe@a.example");
  ck_assert_int_eq(r->recipients.size(), 2);
  ck_assert(r->recipients[0] == "bob@b.example");
  ck_assert(r->recipients[1] == "ann@c.example");
}
END_TEST

START_TEST(envelope_with_empty_sender_and_no_recipients_parses) {
  auto r = parse_envelope("F\0\0"s);
  ck_assert(r.ok());
  ck_assert(r->sender.empty());
  ck_assert(r->recipients.empty());
  auto e = parse_envelope("F\0T\0\0"s);
  ck_assert(e.ok());
  ck_assert_int_eq(e->recipients.size(), 1);
  ck_assert(e->recipients[0].empty());
}
END_TEST

START_TEST(envelope_addresses_may_hold_any_byte_but_nul) {
  auto r = parse_envelope("Fa\nb\xff\0Tc d\r\0\0"s);
  ck_assert(r.ok());
  ck_assert(r->sender == "a\nb\xff");
  ck_assert(r->recipients[0] == "c d\r");
}
END_TEST

START_TEST(envelope_without_f_is_bad) {
  ck_assert(is_bad(parse_envelope("")));
  ck_assert(is_bad(parse_envelope("Tbob@b\0\0"s)));
  ck_assert(is_bad(parse_envelope("\0"s)));
  ck_assert(is_bad(parse_envelope("f\0\0"s)));
}
END_TEST

START_TEST(recipient_record_not_starting_with_t_is_bad) {
  ck_assert(is_bad(parse_envelope("Fa\0Xb\0\0"s)));
  ck_assert(is_bad(parse_envelope("Fa\0Tb\0Fc\0\0"s)));
  auto r = parse_envelope("Fa\0tb\0\0"s);
  ck_assert(is_bad(r));
  ck_assert_str_eq(r.error().what.c_str(), "bad envelope: recipient record does not start with T");
}
END_TEST

START_TEST(envelope_without_final_nul_is_bad) {
  ck_assert(is_bad(parse_envelope("F")));
  ck_assert(is_bad(parse_envelope("Fa")));
  ck_assert(is_bad(parse_envelope("Fa\0"s)));
  ck_assert(is_bad(parse_envelope("Fa\0Tb"s)));
  auto r = parse_envelope("Fa\0Tb\0"s);
  ck_assert(is_bad(r));
  ck_assert_str_eq(r.error().what.c_str(), "bad envelope: envelope ends before its final NUL");
}
END_TEST

START_TEST(data_after_the_envelope_is_bad) {
  ck_assert(is_bad(parse_envelope("Fa\0Tb\0\0x"s)));
  ck_assert(is_bad(parse_envelope("Fa\0\0\0"s)));
  ck_assert(is_bad(parse_envelope("Fa\0\0Fa\0\0"s)));
}
END_TEST

START_TEST(address_at_the_limit_is_accepted) {
  std::string max(kMaxEnvelopeAddress, 'x');
  auto r = parse_envelope("F" + max + "\0T"s + max + "\0\0"s);
  ck_assert(r.ok());
  ck_assert_int_eq(r->sender.size(), 1002);
  ck_assert_int_eq(r->recipients[0].size(), 1002);
}
END_TEST

START_TEST(address_over_the_limit_is_too_long) {
  std::string over(kMaxEnvelopeAddress + 1, 'x');
  ck_assert(is_too_long(parse_envelope("F" + over + "\0\0"s)));
  ck_assert(is_too_long(parse_envelope("Fa\0Tb\0T"s + over + "\0\0"s)));
  // without a NUL at all: still too long, not merely cut short
  ck_assert(is_too_long(parse_envelope("Fa\0T" + std::string(100000, 'y'))));
}
END_TEST

START_TEST(push_parser_gives_the_same_records_in_any_pieces) {
  std::string env = "Fjoe@a\0Tbob@b\0T\0Tann@c\0\0"s;
  for (std::size_t step = 1; step <= env.size() + 1; ++step)
    ck_assert(push(env, step) == "Fjoe@a|Tbob@b|T|Tann@c|END");
  ck_assert(push("Fa\0Tb\0"s, 1) == "Fa|Tb|BAD");
  ck_assert(push("Fa\0Qb\0\0"s, 2) == "Fa|BAD");
  ck_assert(push("Fa\0\0more"s, 3) == "Fa|END+DATA");
  std::string over = "F" + std::string(kMaxEnvelopeAddress + 1, 'x');
  ck_assert(push(over, 7) == "TOOLONG");
}
END_TEST

START_TEST(push_parser_holds_no_more_than_one_address) {
  EnvelopeParser p;
  std::string chunk(4096, 'z');
  std::string_view first = "F";
  ck_assert(p.next(first) == EnvelopeEvent::kNeedMore);
  EnvelopeEvent ev = EnvelopeEvent::kNeedMore;
  for (int i = 0; i < 10 && ev == EnvelopeEvent::kNeedMore; ++i) {
    std::string_view piece = chunk;
    ev = p.next(piece);
  }
  ck_assert(ev == EnvelopeEvent::kTooLong);
  ck_assert(p.address().empty());
  std::string more_bytes = "\0\0"s;
  std::string_view more = more_bytes;
  ck_assert(p.next(more) == EnvelopeEvent::kTooLong);
  ck_assert(p.finish() == EnvelopeEvent::kTooLong);
}
END_TEST

START_TEST(queue_envelope_parses) {
  auto r = parse_queue_envelope("u1000\0p4242\0Fjoe@a\0Tbob@b\0Tann@c\0"s);
  ck_assert(r.ok());
  ck_assert(r->uid == 1000);
  ck_assert(r->pid == 4242);
  ck_assert(r->sender == "joe@a");
  ck_assert_int_eq(r->recipients.size(), 2);
  ck_assert(r->recipients[1] == "ann@c");
  auto bounce = parse_queue_envelope("u0\0p1\0F\0"s);
  ck_assert(bounce.ok());
  ck_assert(bounce->sender.empty());
  ck_assert(bounce->recipients.empty());
}
END_TEST

START_TEST(queue_envelope_rejects_damage) {
  ck_assert(!parse_queue_envelope(""));
  ck_assert(!parse_queue_envelope("u1\0p2\0"s));          // no F
  ck_assert(!parse_queue_envelope("p2\0u1\0Fa\0"s));      // order
  ck_assert(!parse_queue_envelope("u1\0p2\0Fa\0Tb"s));    // cut short
  ck_assert(!parse_queue_envelope("u1\0p2\0Fa\0\0"s));    // empty record
  ck_assert(!parse_queue_envelope("u1\0p2\0Fa\0Xb\0"s));  // unknown letter
  ck_assert(!parse_queue_envelope("u1\0p2\0Fa\0Fb\0"s));  // second F
  ck_assert(!parse_queue_envelope("ux\0p2\0Fa\0"s));      // not a number
  ck_assert(!parse_queue_envelope("u\0p2\0Fa\0"s));       // empty number
  ck_assert(!parse_queue_envelope("u99999999999999999999999\0p2\0Fa\0"s));
  auto r =
      parse_queue_envelope("u1\0p2\0Fa\0T"s + std::string(kMaxEnvelopeAddress + 1, 'x') + "\0"s);
  ck_assert(!r);
  ck_assert(r.error().kind == ErrorKind::kBug);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_envelope");
  TCase* whole = tcase_create("parse_envelope");
  tcase_add_test(whole, envelope_with_sender_and_recipients_parses);
  tcase_add_test(whole, envelope_with_empty_sender_and_no_recipients_parses);
  tcase_add_test(whole, envelope_addresses_may_hold_any_byte_but_nul);
  tcase_add_test(whole, envelope_without_f_is_bad);
  tcase_add_test(whole, recipient_record_not_starting_with_t_is_bad);
  tcase_add_test(whole, envelope_without_final_nul_is_bad);
  tcase_add_test(whole, data_after_the_envelope_is_bad);
  tcase_add_test(whole, address_at_the_limit_is_accepted);
  tcase_add_test(whole, address_over_the_limit_is_too_long);
  suite_add_tcase(s, whole);
  TCase* pushed = tcase_create("EnvelopeParser");
  tcase_add_test(pushed, push_parser_gives_the_same_records_in_any_pieces);
  tcase_add_test(pushed, push_parser_holds_no_more_than_one_address);
  suite_add_tcase(s, pushed);
  TCase* queue = tcase_create("parse_queue_envelope");
  tcase_add_test(queue, queue_envelope_parses);
  tcase_add_test(queue, queue_envelope_rejects_damage);
  suite_add_tcase(s, queue);
  return s;
}
