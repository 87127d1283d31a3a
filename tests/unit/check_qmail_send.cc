// Unit tests for qmail-send's pure parts: recipient rewriting, the retry
// schedule, report parsing and log text, bounce composition.
#include <check.h>

#include <string>

#include "check_main.h"
#include "qmail-send/bounce_text.h"
#include "qmail-send/report.h"
#include "qmail-send/retry.h"
#include "qmail-send/rewrite.h"

using namespace qmail;
using namespace qmail::send;

namespace {
RewriteRules sample_rules() {
  RewriteRules r;
  r.locals.insert("example.com");
  r.locals.insert("localhost");
  r.percenthack.insert("relay.example.com");
  r.envnoathost = "example.com";
  r.add_virtualdomains({"virt.example.org:alice", "joe@other.org:joe-special", ".fax:uucp-fax",
                        "except.fax:", "other.org:bob", ":catchall"});
  return r;
}

void check_rewrite(const RewriteRules& rules, const char* in, Channel c, const char* out) {
  Rewritten r = rewrite_recipient(rules, in);
  ck_assert_msg(r.channel == c, "channel of %s", in);
  ck_assert_str_eq(r.address.c_str(), out);
}
}  // namespace

START_TEST(rewrite_keeps_locals_local) {
  RewriteRules rules = sample_rules();
  check_rewrite(rules, "joe@example.com", Channel::kLocal, "joe@example.com");
  check_rewrite(rules, "Joe@EXAMPLE.com", Channel::kLocal, "Joe@EXAMPLE.com");
  check_rewrite(rules, "postmaster", Channel::kLocal, "postmaster@example.com");
}
END_TEST

START_TEST(rewrite_applies_percenthack_repeatedly) {
  RewriteRules rules = sample_rules();
  rules.virtualdomains.clear();
  check_rewrite(rules, "u%far.net@relay.example.com", Channel::kRemote, "u@far.net");
  rules.percenthack.insert("mid.example.com");
  check_rewrite(rules, "u%far.net%mid.example.com@relay.example.com", Channel::kRemote,
                "u@far.net");
  check_rewrite(rules, "u%example.com@relay.example.com", Channel::kLocal, "u@example.com");
  check_rewrite(rules, "plain@relay.example.com", Channel::kRemote, "plain@relay.example.com");
}
END_TEST

START_TEST(rewrite_virtualdomains_most_specific_first) {
  RewriteRules rules = sample_rules();
  check_rewrite(rules, "info@virt.example.org", Channel::kLocal, "alice-info@virt.example.org");
  check_rewrite(rules, "joe@other.org", Channel::kLocal, "joe-special-joe@other.org");
  check_rewrite(rules, "ann@other.org", Channel::kLocal, "bob-ann@other.org");
  check_rewrite(rules, "x@host.fax", Channel::kLocal, "uucp-fax-x@host.fax");
  check_rewrite(rules, "x@a.b.fax", Channel::kLocal, "uucp-fax-x@a.b.fax");
  check_rewrite(rules, "x@nowhere.net", Channel::kLocal, "catchall-x@nowhere.net");
}
END_TEST

START_TEST(rewrite_empty_prefix_is_an_exception) {
  RewriteRules rules = sample_rules();
  check_rewrite(rules, "x@except.fax", Channel::kRemote, "x@except.fax");
  rules.virtualdomains.erase("");
  check_rewrite(rules, "x@nowhere.net", Channel::kRemote, "x@nowhere.net");
  check_rewrite(rules, "x@fax", Channel::kRemote, "x@fax");  // ".fax" needs a subdomain
}
END_TEST

START_TEST(rewrite_survives_odd_addresses) {
  RewriteRules rules = sample_rules();
  rules.virtualdomains.clear();
  check_rewrite(rules, "", Channel::kLocal, "@example.com");
  check_rewrite(rules, "@", Channel::kRemote, "@");
  check_rewrite(rules, "a@b@example.com", Channel::kLocal, "a@b@example.com");
  rules.percenthack.insert("");
  check_rewrite(rules, "%%%@", Channel::kRemote, "@");
}
END_TEST

START_TEST(retry_schedule_is_quadratic) {
  const std::time_t b = 1000000;
  ck_assert_int_eq(next_retry(b, b, Channel::kLocal) - b, 100);
  ck_assert_int_eq(next_retry(b, b + 99, Channel::kLocal) - b, 100);
  ck_assert_int_eq(next_retry(b, b + 100, Channel::kLocal) - b, 400);
  ck_assert_int_eq(next_retry(b, b + 500, Channel::kLocal) - b, 900);
  ck_assert_int_eq(next_retry(b, b, Channel::kRemote) - b, 400);
  ck_assert_int_eq(next_retry(b, b + 400, Channel::kRemote) - b, 1600);
  ck_assert_int_eq(next_retry(b, b + 2000, Channel::kRemote) - b, 3600);
  ck_assert_int_eq(next_retry(b, b + 86400, Channel::kRemote) - b, 300 * 300);
  // a birth in the future (clock set back) never gives a time in the past
  ck_assert(next_retry(b + 5000, b, Channel::kLocal) > b);
}
END_TEST

START_TEST(lifetime_is_exceeded_only_after_it) {
  ck_assert(!past_lifetime(1000, 1000 + 604800, 604800));
  ck_assert(past_lifetime(1000, 1001 + 604800, 604800));
  ck_assert(!past_lifetime(5000, 1000, 0));
}
END_TEST

START_TEST(report_parser_splits_reports) {
  ReportParser p;
  std::string bytes("\x02Kdid 0+0+1\n", 12);
  bytes += '\0';
  p.feed(bytes.substr(0, 5));
  Report r;
  ck_assert(!p.next(r));
  ck_assert(p.in_report());
  p.feed(bytes.substr(5));
  std::string two("\x00Zlater\x00\x01", 9);
  p.feed(two);
  p.feed(std::string("\0", 1));  // empty report: mangled
  ck_assert(p.next(r));
  ck_assert_int_eq(r.slot, 2);
  ck_assert_int_eq(r.status, 'K');
  ck_assert_str_eq(r.text.c_str(), "did 0+0+1\n");
  ck_assert(p.next(r));
  ck_assert_int_eq(r.slot, 0);
  ck_assert_int_eq(r.status, 'Z');
  ck_assert(p.next(r));
  ck_assert_int_eq(r.slot, 1);
  ck_assert_int_eq(r.status, '?');
  ck_assert(!p.next(r));
  ck_assert(!p.in_report());
}
END_TEST

START_TEST(report_parser_bounds_text) {
  ReportParser p;
  p.feed(
      std::string("\x00"
                  "D",
                  2));
  std::string chunk(10000, 'a');
  for (int i = 0; i < 10; ++i) p.feed(chunk);
  p.feed(std::string("\0", 1));
  Report r;
  ck_assert(p.next(r));
  ck_assert_uint_eq(r.text.size(), kMaxReport);
}
END_TEST

START_TEST(log_text_escapes_like_qmail) {
  std::string t = log_text(std::string("Sorry, no mailbox here.\nline2\r\x01\xff", 32));
  ck_assert_str_eq(t.c_str(), "Sorry,_no_mailbox_here./line2???");
}
END_TEST

START_TEST(bounce_envelope_single_double_triple) {
  BounceSettings s;
  s.doublebounceto = "postmaster";
  s.doublebouncehost = "example.com";
  BounceEnvelope e = bounce_envelope(s, "joe@far.net");
  ck_assert(e.kind == BounceKind::kSingle);
  ck_assert_str_eq(e.sender.c_str(), "");
  ck_assert_str_eq(e.recipient.c_str(), "joe@far.net");
  e = bounce_envelope(s, "");
  ck_assert(e.kind == BounceKind::kDouble);
  ck_assert_str_eq(e.sender.c_str(), "#@[]");
  ck_assert_str_eq(e.recipient.c_str(), "postmaster@example.com");
  e = bounce_envelope(s, "#@[]");
  ck_assert(e.kind == BounceKind::kDiscard);
  s.doublebounceto = "";
  ck_assert(bounce_envelope(s, "").kind == BounceKind::kDiscard);
}
END_TEST

START_TEST(bounce_is_qsbmf) {
  BounceSettings s;
  s.bouncefrom = "MAILER-DAEMON";
  s.bouncehost = "mx.example.com";
  BounceEnvelope e = bounce_envelope(s, "joe@far.net");
  std::vector<Failure> f = {{"a@example.com", "Sorry, no mailbox here by that name.\n\n"},
                            {"b@example.com", "over quota\r\nsecond line"}};
  std::string msg = "Subject: hi\n\nbody\n";
  std::string b = compose_bounce(s, e, f, msg, 12345, 77, 0);
  const char* expect_tail = "Hi. This is the qmail-send program at mx.example.com.\n";
  ck_assert(b.find("Received: (qmail 77 invoked for bounce); 1 Jan 1970 00:00:00 -0000\n") == 0);
  ck_assert(b.find("\nFrom: MAILER-DAEMON@mx.example.com\n") != std::string::npos);
  ck_assert(b.find("\nTo: joe@far.net\n") != std::string::npos);
  ck_assert(b.find("\nSubject: failure notice\n") != std::string::npos);
  ck_assert(b.find("\nMessage-ID: <") != std::string::npos);
  auto body = b.find("\n\n");
  ck_assert(b.compare(body + 2, std::string(expect_tail).size(), expect_tail) == 0);
  ck_assert(b.find("\n\n<a@example.com>:\nSorry, no mailbox here by that name.\n\n"
                   "<b@example.com>:\nover quota\nsecond line\n\n"
                   "--- Below this line is a copy of the message.\n\n"
                   "Subject: hi\n\nbody\n") != std::string::npos);
  ck_assert(b.size() >= msg.size() && b.compare(b.size() - msg.size(), msg.size(), msg) == 0);
}
END_TEST

START_TEST(bounce_header_cannot_be_split) {
  BounceSettings s;
  BounceEnvelope e = bounce_envelope(s, "evil@x\nBcc: victim@y");
  std::string b = compose_bounce(s, e, {}, "", 1, 1, 0);
  ck_assert(b.find("\nBcc:") == std::string::npos);
  ck_assert(b.find("To: evil@x?Bcc: victim@y\n") != std::string::npos);
}
END_TEST

START_TEST(double_bounce_names_the_original_bounce) {
  BounceSettings s;
  s.doublebouncehost = "example.com";
  BounceEnvelope e = bounce_envelope(s, "");
  std::string b = compose_bounce(s, e, {{"joe@far.net", "no such user"}}, "X", 1, 1, 0);
  ck_assert(b.find("\nTo: postmaster@example.com\n") != std::string::npos);
  ck_assert(b.find("--- Below this line is the original bounce.\n\nX") != std::string::npos);
}
END_TEST

// Random bytes never crash the parsers or break their bounds (a bounded,
// deterministic stand-in for fuzzing these private parsers).
START_TEST(random_bytes_are_survived) {
  std::uint32_t x = 12345;
  auto rnd = [&] {
    x = x * 1103515245u + 12345u;
    return static_cast<char>(x >> 16);
  };
  RewriteRules rules = sample_rules();
  rules.percenthack.insert("");
  ReportParser parser;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(static_cast<std::size_t>(round % 97), '\0');
    for (char& c : bytes) {
      c = rnd();
      if ((c & 7) == 0) c = "@%.\n\0 "[static_cast<unsigned char>(c) % 6];
    }
    Rewritten r = rewrite_recipient(rules, bytes);
    ck_assert(r.address.find('@') != std::string::npos);
    parser.feed(bytes);
    Report rep;
    for (int i = 0; i < 100 && parser.next(rep); ++i) ck_assert(rep.text.size() <= kMaxReport);
    std::string para = bounce_paragraph(bytes, bytes);
    ck_assert(para.size() >= 4 && para.compare(para.size() - 2, 2, "\n\n") == 0);
    ck_assert(para.find("\n\n") == para.size() - 2);  // one paragraph, whatever the report
    std::string line = log_text(bytes);
    ck_assert(line.find('\n') == std::string::npos);
  }
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_send");
  TCase* rw = tcase_create("rewrite_recipient");
  tcase_add_test(rw, rewrite_keeps_locals_local);
  tcase_add_test(rw, rewrite_applies_percenthack_repeatedly);
  tcase_add_test(rw, rewrite_virtualdomains_most_specific_first);
  tcase_add_test(rw, rewrite_empty_prefix_is_an_exception);
  tcase_add_test(rw, rewrite_survives_odd_addresses);
  suite_add_tcase(s, rw);
  TCase* rt = tcase_create("next_retry");
  tcase_add_test(rt, retry_schedule_is_quadratic);
  tcase_add_test(rt, lifetime_is_exceeded_only_after_it);
  suite_add_tcase(s, rt);
  TCase* rp = tcase_create("ReportParser");
  tcase_add_test(rp, report_parser_splits_reports);
  tcase_add_test(rp, report_parser_bounds_text);
  tcase_add_test(rp, log_text_escapes_like_qmail);
  suite_add_tcase(s, rp);
  TCase* bt = tcase_create("compose_bounce");
  tcase_add_test(bt, bounce_envelope_single_double_triple);
  tcase_add_test(bt, bounce_is_qsbmf);
  tcase_add_test(bt, bounce_header_cannot_be_split);
  tcase_add_test(bt, double_bounce_names_the_original_bounce);
  suite_add_tcase(s, bt);
  TCase* rb = tcase_create("robustness");
  tcase_add_test(rb, random_bytes_are_survived);
  suite_add_tcase(s, rb);
  return s;
}
