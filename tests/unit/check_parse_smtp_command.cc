// Unit tests for src/lib/parse/smtp_command: SMTP verbs, the paths and
// parameters of MAIL and RCPT, domains and UTF-8.
#include "parse/smtp_command.h"

#include <check.h>

#include <string>
#include <string_view>

#include "check_main.h"

using namespace qmail;
using namespace qmail::parse;
using namespace std::string_literals;

namespace {

bool verb_is(std::string_view line, SmtpVerb verb, std::string_view arg) {
  SmtpCommand c = parse_smtp_command(line);
  return c.verb == verb && c.arg == arg;
}

// The address a parser accepted, or "!<error>" when it refused.
std::string outcome(const Result<SmtpPath>& r, PathError why) {
  if (r) return r->address;
  constexpr const char* kNames[] = {"!syntax", "!toolong", "!utf8", "!param", "!domain"};
  return kNames[static_cast<int>(why)];
}

std::string mail(std::string_view arg, bool allow_utf8 = false) {
  PathError why = PathError::kSyntax;
  auto r = parse_mail_from(arg, allow_utf8, &why);
  return outcome(r, why);
}

std::string rcpt(std::string_view arg, bool utf8_session = false) {
  PathError why = PathError::kSyntax;
  auto r = parse_rcpt_to(arg, utf8_session, &why);
  return outcome(r, why);
}

// Compares two std::strings (the temporaries must outlive the check).
#define ck_assert_std_eq(a, b)                      \
  do {                                              \
    const std::string ck_a_ = (a), ck_b_ = (b);     \
    ck_assert_str_eq(ck_a_.c_str(), ck_b_.c_str()); \
  } while (0)

}  // namespace

// ---- parse_smtp_command

START_TEST(every_verb_is_recognized) {
  ck_assert(verb_is("HELO a.example", SmtpVerb::kHelo, "a.example"));
  ck_assert(verb_is("EHLO a.example", SmtpVerb::kEhlo, "a.example"));
  ck_assert(verb_is("MAIL FROM:<a@b>", SmtpVerb::kMail, "FROM:<a@b>"));
  ck_assert(verb_is("RCPT TO:<a@b>", SmtpVerb::kRcpt, "TO:<a@b>"));
  ck_assert(verb_is("DATA", SmtpVerb::kData, ""));
  ck_assert(verb_is("RSET", SmtpVerb::kRset, ""));
  ck_assert(verb_is("NOOP", SmtpVerb::kNoop, ""));
  ck_assert(verb_is("QUIT", SmtpVerb::kQuit, ""));
  ck_assert(verb_is("VRFY joe", SmtpVerb::kVrfy, "joe"));
  ck_assert(verb_is("HELP", SmtpVerb::kHelp, ""));
  ck_assert(verb_is("STARTTLS", SmtpVerb::kStartTls, ""));
  ck_assert(verb_is("AUTH PLAIN AGpvZQBzZWNyZXQ=", SmtpVerb::kAuth, "PLAIN AGpvZQBzZWNyZXQ="));
}
END_TEST

START_TEST(verbs_are_matched_in_any_case) {
  ck_assert(verb_is("ehlo x", SmtpVerb::kEhlo, "x"));
  ck_assert(verb_is("MaIl FROM:<>", SmtpVerb::kMail, "FROM:<>"));
  ck_assert(verb_is("StartTLS", SmtpVerb::kStartTls, ""));
  ck_assert(verb_is("quit", SmtpVerb::kQuit, ""));
}
END_TEST

START_TEST(trailing_blanks_are_removed_except_for_mail_and_rcpt) {
  ck_assert(verb_is("HELO a.example \t ", SmtpVerb::kHelo, "a.example"));
  ck_assert(verb_is("QUIT ", SmtpVerb::kQuit, ""));
  ck_assert(verb_is("HELO  two", SmtpVerb::kHelo, " two"));
  ck_assert(verb_is("MAIL FROM:<a@b> ", SmtpVerb::kMail, "FROM:<a@b> "));
  ck_assert(verb_is("RCPT TO:<a@b>\t", SmtpVerb::kRcpt, "TO:<a@b>\t"));
}
END_TEST

START_TEST(verb_glued_to_more_text_is_unknown) {
  ck_assert(verb_is("MAILFROM:<a@b>", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("DATAX", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("QUIT\t", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("HEL", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is(" HELO x", SmtpVerb::kUnknown, ""));
}
END_TEST

START_TEST(other_commands_and_junk_are_unknown) {
  ck_assert(verb_is("EXPN list", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("BDAT 10 LAST", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("TURN", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("GET / HTTP/1.0", SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"s, SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("HELO\0 x"s, SmtpVerb::kUnknown, ""));
  ck_assert(verb_is("\xff\xfe\xfd", SmtpVerb::kUnknown, ""));
}
END_TEST

// ---- parse_mail_from

START_TEST(mail_from_takes_bracketed_and_bare_paths) {
  ck_assert_std_eq(mail("FROM:<joe@a.example>"), "joe@a.example");
  ck_assert_std_eq(mail("from:<joe@a.example>"), "joe@a.example");
  ck_assert_std_eq(mail("FROM: <joe@a.example>"), "joe@a.example");
  ck_assert_std_eq(mail("FROM:\t <joe@a.example>  "), "joe@a.example");
  ck_assert_std_eq(mail("FROM:joe@a.example"), "joe@a.example");
  ck_assert_std_eq(mail("FROM: joe@a.example SIZE=5"), "joe@a.example");
  ck_assert_std_eq(mail("FROM:<first.last+tag@sub.a-b.example>"), "first.last+tag@sub.a-b.example");
  // qmail's TEST.receive types "mail <me@domain>" and "rcpt <me@domain>"
  ck_assert_std_eq(mail("<joe@a.example>"), "joe@a.example");
  ck_assert_std_eq(mail(" <joe@a.example>"), "joe@a.example");
  ck_assert_std_eq(rcpt("<joe@a.example>"), "joe@a.example");
  ck_assert_std_eq(mail("joe@a.example"), "!syntax");
}
END_TEST

START_TEST(mail_from_null_path_is_empty) {
  auto r = parse_mail_from("FROM:<>", false);
  ck_assert(r.ok());
  ck_assert(r->address.empty());
  ck_assert(!r->utf8);
  ck_assert_std_eq(mail("FROM:<> BODY=8BITMIME"), "");
  ck_assert_std_eq(mail("FROM: <> "), "");
}
END_TEST

START_TEST(mail_from_drops_source_route) {
  ck_assert_std_eq(mail("FROM:<@relay.example:joe@a.example>"), "joe@a.example");
  ck_assert_std_eq(mail("FROM:<@r1.example,@r2.example:joe@a.example>"), "joe@a.example");
  ck_assert_std_eq(mail("FROM:<@:joe@a.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<@r1.example,joe@a.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<@r1.example>"), "!syntax");
}
END_TEST

START_TEST(mail_from_unquotes_quoted_local_part) {
  ck_assert_std_eq(mail("FROM:<\"a b\"@c.example>"), "a b@c.example");
  ck_assert_std_eq(mail("FROM:<\"user@victim\"@host.example>"), "user@victim@host.example");
  ck_assert_std_eq(mail("FROM:<\"a\\\"q\\\\\"@c.example>"), "a\"q\\@c.example");
  ck_assert_std_eq(mail("FROM:<\"a>b\"@c.example>"), "a>b@c.example");
  ck_assert_std_eq(mail("FROM:<\"\"@c.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<\"open@c.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<\"a\"b@c.example>"), "!syntax");
}
END_TEST

START_TEST(mail_from_refuses_bad_syntax) {
  ck_assert_std_eq(mail("TO:<a@b.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM"), "!syntax");
  ck_assert_std_eq(mail("FROM:"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a@b.example"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a@b.example>x"), "!syntax");
  ck_assert_std_eq(mail("FROM:<joe>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<postmaster>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<.a@b.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a.@b.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a..b@b.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a b@b.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a@>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<<a@b.example>>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a\x01@b.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a@b.example>\r"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a\x7f@b.example>"), "!syntax");
  ck_assert_std_eq(mail("FROM:<a@b.example>\0"s), "!syntax");
}
END_TEST

START_TEST(mail_from_refuses_long_paths) {
  // local parts over RFC 5321's 64 octets are taken (bounce addresses);
  // the path limit still holds
  std::string local65(65, 'l');
  ck_assert_std_eq(mail("FROM:<" + local65 + "@a.example>"), local65 + "@a.example");
  ck_assert_std_eq(mail("FROM:<" + std::string(250, 'l') + "@a.example>"), "!toolong");
  // 254 octets of mailbox make a path of 256 with the brackets.
  std::string domain = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                       std::string(63, 'c') + "." + std::string(60, 'd');
  std::string ok = "x@" + domain;
  ck_assert_uint_eq(ok.size(), 254);
  ck_assert_std_eq(mail("FROM:<" + ok + ">"), ok);
  ck_assert_std_eq(mail("FROM:" + ok), ok);
  ck_assert_std_eq(mail("FROM:<xy@" + domain + ">"), "!toolong");
  ck_assert_std_eq(mail("FROM:xy@" + domain), "!toolong");
  ck_assert_std_eq(mail("FROM:<@r.example:" + ok + ">"), "!toolong");
  ck_assert_std_eq(mail("FROM:<x@" + std::string(300, 'a') + ">"), "!toolong");
}
END_TEST

START_TEST(mail_from_checks_domain) {
  ck_assert_std_eq(mail("FROM:<a@b_c.example>"), "!domain");
  ck_assert_std_eq(mail("FROM:<a@b.example.>"), "!domain");
  ck_assert_std_eq(mail("FROM:<a@b..example>"), "!domain");
  ck_assert_std_eq(mail("FROM:<a@-b.example>"), "!domain");
  ck_assert_std_eq(mail("FROM:<a@b c>"), "!domain");
  ck_assert_std_eq(mail("FROM:<a@[1.2.3.4]>"), "a@[1.2.3.4]");
  ck_assert_std_eq(mail("FROM:<a@[IPv6:2001:db8::1]>"), "a@[IPv6:2001:db8::1]");
  ck_assert_std_eq(mail("FROM:<a@[1.2.3.400]>"), "!domain");
  ck_assert_std_eq(mail("FROM:<a@[x-tag:abc]>"), "!domain");
}
END_TEST

START_TEST(mail_from_reads_each_parameter) {
  auto r = parse_mail_from("FROM:<a@b.example> SIZE=12345 BODY=8BITMIME AUTH=<>", false);
  ck_assert(r.ok());
  ck_assert(r->params.size.has_value());
  ck_assert(*r->params.size == 12345);
  ck_assert(r->params.body_8bit);
  ck_assert(r->params.auth_seen);
  ck_assert(!r->params.smtputf8);
  r = parse_mail_from("FROM:<a@b.example>  size=0\tbody=7bit auth=joe+40a.example", false);
  ck_assert(r.ok());
  ck_assert(*r->params.size == 0);
  ck_assert(!r->params.body_8bit);
  r = parse_mail_from("FROM:<a@b.example> SMTPUTF8", true);
  ck_assert(r.ok());
  ck_assert(r->params.smtputf8);
  r = parse_mail_from("FROM:<a@b.example>", false);
  ck_assert(r.ok());
  ck_assert(!r->params.size.has_value());
  ck_assert(!r->params.auth_seen);
}
END_TEST

START_TEST(mail_from_refuses_bad_parameters) {
  ck_assert_std_eq(mail("FROM:<a@b.example> FOO=1"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SIZE"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SIZE="), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SIZE=12k"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SIZE=-1"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SIZE=1 SIZE=2"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> BODY=BINARYMIME"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> BODY"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> BODY=7BIT BODY=7BIT"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SMTPUTF8"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SMTPUTF8=yes", true), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SMTPUTF8 SMTPUTF8", true), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> AUTH="), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> AUTH=a+4"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> AUTH=a+zz"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> AUTH=a=b"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> AUTH=<> AUTH=<>"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> =1"), "!param");
  ck_assert_std_eq(mail("FROM:<a@b.example> SIZE=\xc3\xa9", true), "!param");
}
END_TEST

START_TEST(mail_from_size_must_fit_in_64_bits) {
  auto r = parse_mail_from("FROM:<> SIZE=18446744073709551615", false);
  ck_assert(r.ok());
  ck_assert(*r->params.size == 18446744073709551615ull);
  ck_assert_std_eq(mail("FROM:<> SIZE=18446744073709551616"), "!param");
  ck_assert_std_eq(mail("FROM:<> SIZE=99999999999999999999"), "!param");
  ck_assert_std_eq(mail("FROM:<> SIZE=000000000000000000001"), "!param");
  ck_assert_std_eq(mail("FROM:<> SIZE=00000000000000000001"), "");
}
END_TEST

START_TEST(mail_from_takes_utf8_only_with_smtputf8) {
  std::string_view path =
      "FROM:<j\xc3\xbcrgen@b\xc3\xbc"
      "cher.example>";
  ck_assert_std_eq(mail(path, false), "!utf8");
  ck_assert_std_eq(mail(path, true), "!utf8");
  ck_assert_std_eq(mail(std::string(path) + " SMTPUTF8", false), "!param");
  auto r = parse_mail_from(std::string(path) + " SMTPUTF8", true);
  ck_assert(r.ok());
  ck_assert(r->utf8);
  ck_assert_std_eq(r->address,
                   "j\xc3\xbcrgen@b\xc3\xbc"
                   "cher.example");
  r = parse_mail_from("FROM:<a@b.example> SMTPUTF8", true);
  ck_assert(r.ok());
  ck_assert(!r->utf8);
  ck_assert_std_eq(mail("FROM:<\"j\xc3\xbc r\"@b.example> SMTPUTF8", true),
                   "j\xc3\xbc r@b.example");
}
END_TEST

START_TEST(mail_from_refuses_invalid_utf8) {
  ck_assert_std_eq(mail("FROM:<j\xfcrgen@b.example> SMTPUTF8", true), "!utf8");
  ck_assert_std_eq(mail("FROM:<a\xc0\xaf@b.example> SMTPUTF8", true), "!utf8");
  ck_assert_std_eq(mail("FROM:<a@b\xed\xa0\x80.example> SMTPUTF8", true), "!utf8");
  ck_assert_std_eq(mail("FROM:<a\xc3@b.example> SMTPUTF8", true), "!utf8");
}
END_TEST

// ---- parse_rcpt_to

START_TEST(rcpt_to_takes_paths) {
  ck_assert_std_eq(rcpt("TO:<bob@b.example>"), "bob@b.example");
  ck_assert_std_eq(rcpt("to:<bob@b.example>"), "bob@b.example");
  ck_assert_std_eq(rcpt("TO: bob@b.example "), "bob@b.example");
  ck_assert_std_eq(rcpt("TO:<@r.example:bob@b.example>"), "bob@b.example");
  ck_assert_std_eq(rcpt("TO:<\"bob smith\"@b.example>"), "bob smith@b.example");
  ck_assert_std_eq(rcpt("TO:<\"x@y\"@b.example>"), "x@y@b.example");
  ck_assert_std_eq(rcpt("TO:<bob@[127.0.0.1]>"), "bob@[127.0.0.1]");
  ck_assert_std_eq(rcpt("TO:<bob@[ipv6:::1]>"), "bob@[ipv6:::1]");
}
END_TEST

START_TEST(rcpt_to_takes_postmaster_without_domain) {
  ck_assert_std_eq(rcpt("TO:<postmaster>"), "postmaster");
  ck_assert_std_eq(rcpt("TO:<PostMaster>"), "PostMaster");
  ck_assert_std_eq(rcpt("TO:<Postmaster@b.example>"), "Postmaster@b.example");
  ck_assert_std_eq(rcpt("TO:<postmasters>"), "!syntax");
  ck_assert_std_eq(rcpt("TO:<bob>"), "!syntax");
}
END_TEST

START_TEST(rcpt_to_refuses_null_path_and_parameters) {
  ck_assert_std_eq(rcpt("TO:<>"), "!syntax");
  ck_assert_std_eq(rcpt("FROM:<bob@b.example>"), "!syntax");
  ck_assert_std_eq(rcpt("TO:<bob@b.example> NOTIFY=NEVER"), "!param");
  ck_assert_std_eq(rcpt("TO:<bob@b.example> SIZE=1"), "!param");
  ck_assert_std_eq(rcpt("TO:<bob@b.example>x"), "!syntax");
  ck_assert_std_eq(rcpt("TO:<bob@b.example>\x0b"), "!syntax");
}
END_TEST

START_TEST(rcpt_to_reports_each_error) {
  ck_assert_std_eq(rcpt("TO:<" + std::string(250, 'x') + "@b.example>"), "!toolong");
  ck_assert_std_eq(rcpt("TO:<bob@b!example>"), "!domain");
  ck_assert_std_eq(rcpt("TO:<bob@[1.2.3]>"), "!domain");
  ck_assert_std_eq(rcpt("TO:<b\xc3\xb6"
                        "b@b.example>"),
                   "!utf8");
  ck_assert_std_eq(rcpt("TO:<b\xc3\xb6"
                        "b@b.example>",
                        true),
                   "b\xc3\xb6"
                   "b@b.example");
  ck_assert_std_eq(rcpt("TO:<b\xf5\x80\x80\x80@b.example>", true), "!utf8");
  auto r = parse_rcpt_to("TO:<bob@b\xc3\xa4r.example>", true);
  ck_assert(r.ok());
  ck_assert(r->utf8);
  ck_assert(!r->params.size.has_value());
  ck_assert(!parse_rcpt_to("TO:<bob>", false).ok());
}
END_TEST

// ---- valid_smtp_domain

START_TEST(domains_are_letters_digits_hyphens_and_dots) {
  ck_assert(valid_smtp_domain("example", false));
  ck_assert(valid_smtp_domain("mail.example.com", false));
  ck_assert(valid_smtp_domain("a-b.9x.EXAMPLE", false));
  ck_assert(valid_smtp_domain("xn--bcher-kva.example", false));
  ck_assert(!valid_smtp_domain("", false));
  ck_assert(!valid_smtp_domain(".example", false));
  ck_assert(!valid_smtp_domain("example.", false));
  ck_assert(!valid_smtp_domain("a..example", false));
  ck_assert(!valid_smtp_domain("a_b.example", false));
  ck_assert(!valid_smtp_domain("-a.example", false));
  ck_assert(!valid_smtp_domain("a-.example", false));
  ck_assert(!valid_smtp_domain("a b.example", false));
}
END_TEST

START_TEST(domain_labels_and_names_have_length_limits) {
  std::string l63(63, 'a');
  ck_assert(valid_smtp_domain(l63 + ".example", false));
  ck_assert(!valid_smtp_domain(l63 + "a.example", false));
  std::string d255 = l63 + "." + l63 + "." + l63 + "." + std::string(63, 'b');
  ck_assert_uint_eq(d255.size(), 255);
  ck_assert(valid_smtp_domain(d255, false));
  ck_assert(!valid_smtp_domain(d255 + "b", false));
}
END_TEST

START_TEST(utf8_labels_need_allow_utf8) {
  ck_assert(
      !valid_smtp_domain("b\xc3\xbc"
                         "cher.example",
                         false));
  ck_assert(
      valid_smtp_domain("b\xc3\xbc"
                        "cher.example",
                        true));
  ck_assert(
      valid_smtp_domain("\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", true));
  ck_assert(
      !valid_smtp_domain("b\xfc"
                         "cher.example",
                         true));
}
END_TEST

START_TEST(address_literals_are_checked) {
  ck_assert(valid_smtp_domain("[192.0.2.1]", false));
  ck_assert(valid_smtp_domain("[IPv6:2001:db8::1]", false));
  ck_assert(valid_smtp_domain("[ipv6:::ffff:192.0.2.1]", false));
  ck_assert(!valid_smtp_domain("[192.0.2.256]", false));
  ck_assert(!valid_smtp_domain("[192.0.2]", false));
  ck_assert(!valid_smtp_domain("[2001:db8::1]", false));
  ck_assert(!valid_smtp_domain("[IPv6:192.0.2.1]", false));
  ck_assert(!valid_smtp_domain("[IPv6:]", false));
  ck_assert(!valid_smtp_domain("[x400:abc]", false));
  ck_assert(!valid_smtp_domain("[]", false));
  ck_assert(!valid_smtp_domain("[192.0.2.1", false));
  ck_assert(!valid_smtp_domain("[192.0.2.1]x", false));
  ck_assert(!valid_smtp_domain("[IPv6:" + std::string(100, '1') + "]", false));
}
END_TEST

// ---- valid_utf8

START_TEST(utf8_accepts_well_formed_text) {
  ck_assert(valid_utf8(""));
  ck_assert(valid_utf8("plain ascii"));
  ck_assert(valid_utf8("\xc2\x80"));          // U+0080
  ck_assert(valid_utf8("\xdf\xbf"));          // U+07FF
  ck_assert(valid_utf8("\xe0\xa0\x80"));      // U+0800
  ck_assert(valid_utf8("\xed\x9f\xbf"));      // U+D7FF
  ck_assert(valid_utf8("\xee\x80\x80"));      // U+E000
  ck_assert(valid_utf8("\xef\xbf\xbf"));      // U+FFFF
  ck_assert(valid_utf8("\xf0\x90\x80\x80"));  // U+10000
  ck_assert(valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  ck_assert(valid_utf8("a\0b"s));
}
END_TEST

START_TEST(utf8_refuses_overlongs_surrogates_and_truncation) {
  ck_assert(!valid_utf8("\x80"));
  ck_assert(!valid_utf8("\xbf"));
  ck_assert(!valid_utf8("\xc0\x80"));
  ck_assert(!valid_utf8("\xc1\xbf"));
  ck_assert(!valid_utf8("\xe0\x9f\xbf"));
  ck_assert(!valid_utf8("\xed\xa0\x80"));
  ck_assert(!valid_utf8("\xed\xbf\xbf"));
  ck_assert(!valid_utf8("\xf0\x8f\xbf\xbf"));
  ck_assert(!valid_utf8("\xf4\x90\x80\x80"));
  ck_assert(!valid_utf8("\xf5\x80\x80\x80"));
  ck_assert(!valid_utf8("\xff"));
  ck_assert(!valid_utf8("\xc3"));
  ck_assert(!valid_utf8("\xe2\x82"));
  ck_assert(!valid_utf8("\xf0\x9f\x98"));
  ck_assert(!valid_utf8("\xc3\x28"));
  ck_assert(!valid_utf8("\xe2\x28\xa1"));
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("parse_smtp_command");
  TCase* tc = tcase_create("parse_smtp_command");
  tcase_add_test(tc, every_verb_is_recognized);
  tcase_add_test(tc, verbs_are_matched_in_any_case);
  tcase_add_test(tc, trailing_blanks_are_removed_except_for_mail_and_rcpt);
  tcase_add_test(tc, verb_glued_to_more_text_is_unknown);
  tcase_add_test(tc, other_commands_and_junk_are_unknown);
  suite_add_tcase(s, tc);

  tc = tcase_create("parse_mail_from");
  tcase_add_test(tc, mail_from_takes_bracketed_and_bare_paths);
  tcase_add_test(tc, mail_from_null_path_is_empty);
  tcase_add_test(tc, mail_from_drops_source_route);
  tcase_add_test(tc, mail_from_unquotes_quoted_local_part);
  tcase_add_test(tc, mail_from_refuses_bad_syntax);
  tcase_add_test(tc, mail_from_refuses_long_paths);
  tcase_add_test(tc, mail_from_checks_domain);
  tcase_add_test(tc, mail_from_reads_each_parameter);
  tcase_add_test(tc, mail_from_refuses_bad_parameters);
  tcase_add_test(tc, mail_from_size_must_fit_in_64_bits);
  tcase_add_test(tc, mail_from_takes_utf8_only_with_smtputf8);
  tcase_add_test(tc, mail_from_refuses_invalid_utf8);
  suite_add_tcase(s, tc);

  tc = tcase_create("parse_rcpt_to");
  tcase_add_test(tc, rcpt_to_takes_paths);
  tcase_add_test(tc, rcpt_to_takes_postmaster_without_domain);
  tcase_add_test(tc, rcpt_to_refuses_null_path_and_parameters);
  tcase_add_test(tc, rcpt_to_reports_each_error);
  suite_add_tcase(s, tc);

  tc = tcase_create("valid_smtp_domain");
  tcase_add_test(tc, domains_are_letters_digits_hyphens_and_dots);
  tcase_add_test(tc, domain_labels_and_names_have_length_limits);
  tcase_add_test(tc, utf8_labels_need_allow_utf8);
  tcase_add_test(tc, address_literals_are_checked);
  suite_add_tcase(s, tc);

  tc = tcase_create("valid_utf8");
  tcase_add_test(tc, utf8_accepts_well_formed_text);
  tcase_add_test(tc, utf8_refuses_overlongs_surrogates_and_truncation);
  suite_add_tcase(s, tc);
  return s;
}
