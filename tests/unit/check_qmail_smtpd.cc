// check_qmail_smtpd.cc: qmail-smtpd's decisions without a network: the relay
// policy, the enhanced codes of queue errors, and whole sessions (without
// DATA) over an in-memory stream.
#include <cstring>
#include <string>
#include <vector>

#include "control/cdb_make.h"
#include "io/stream.h"
#include "qmail-smtpd/policy.h"
#include "qmail-smtpd/session.h"
#include "qmail-smtpd/settings.h"

#include <check.h>

#include "check_main.h"

using qmail::smtpd::Config;

namespace {

// Client bytes in, server bytes out.
class MemStream final : public qmail::io::Stream {
 public:
  explicit MemStream(std::string in) : in_(std::move(in)) {}
  qmail::Result<std::size_t> read_some(char* buf, std::size_t n, unsigned) override {
    std::size_t take = std::min(n, in_.size() - pos_);
    std::memcpy(buf, in_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  qmail::Status write_all(std::string_view s, unsigned) override {
    out_.append(s);
    return {};
  }
  std::string out_;

 private:
  std::string in_;
  std::size_t pos_ = 0;
};

Config base_config() {
  Config c;
  c.greeting = "mx.example.org";
  c.hostname = "mx.example.org";
  c.localiphost = "example.org";
  c.local_ips.push_back(*qmail::net::parse_ip("127.0.0.1"));
  c.rcpthosts =
      qmail::control::StringSet(std::vector<std::string>{"example.org", ".sub.example.net"});
  return c;
}

std::string converse(const Config& c, const std::string& client, bool tls = false) {
  MemStream s(client);
  qmail::smtpd::Session session(c, s, tls ? "TLSv1.3 TLS_AES_128_GCM_SHA256" : "", nullptr);
  session.greet();
  session.run();
  return s.out_;
}

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace

START_TEST(rcpthosts_take_listed_domains_and_dotted_parents) {
  Config c = base_config();
  ck_assert(qmail::smtpd::rcpthosts_allow(c, "example.org"));
  ck_assert(qmail::smtpd::rcpthosts_allow(c, "EXAMPLE.ORG"));
  ck_assert(qmail::smtpd::rcpthosts_allow(c, "a.b.sub.example.net"));
  ck_assert(!qmail::smtpd::rcpthosts_allow(c, "sub.example.net"));
  ck_assert(!qmail::smtpd::rcpthosts_allow(c, "victim.example"));
  ck_assert(!qmail::smtpd::rcpthosts_allow(c, "example.org.victim.example"));
  ck_assert(!qmail::smtpd::rcpthosts_allow(c, ""));
}
END_TEST

START_TEST(missing_rcpthosts_refuses_every_domain) {
  Config c = base_config();
  c.rcpthosts.reset();
  ck_assert(!qmail::smtpd::rcpthosts_allow(c, "example.org"));
  auto d = qmail::smtpd::decide_recipient(c, "joe@example.org", false, false);
  ck_assert(!d.accepted);
  d = qmail::smtpd::decide_recipient(c, "joe@example.org", true, false);
  ck_assert(d.accepted);
}
END_TEST

START_TEST(routing_forms_are_refused_without_relay_permission) {
  Config c = base_config();
  const char* forms[] = {"user%victim.example@example.org", "victim.example!user@example.org",
                         "user@victim.example@example.org", "user@victim.example",
                         "user@[192.0.2.1]"};
  for (const char* f : forms) {
    auto d = qmail::smtpd::decide_recipient(c, f, false, false);
    ck_assert_msg(!d.accepted, "accepted %s", f);
    ck_assert_msg(d.reply.rfind("553 5.7.1 ", 0) == 0, "reply %s", d.reply.c_str());
    ck_assert(qmail::smtpd::decide_recipient(c, f, true, false).accepted);
  }
}
END_TEST

START_TEST(local_literal_becomes_localiphost) {
  Config c = base_config();
  auto d = qmail::smtpd::decide_recipient(c, "joe@[127.0.0.1]", false, false);
  ck_assert(d.accepted);
  ck_assert(d.address == "joe@example.org");
}
END_TEST

START_TEST(badrcptto_and_badmailfrom_refuse) {
  Config c = base_config();
  c.badrcptto.insert("spamtrap@example.org");
  c.badmailfrom.insert("@spammer.example");
  ck_assert(!qmail::smtpd::decide_recipient(c, "SpamTrap@example.org", false, false).accepted);
  ck_assert(qmail::smtpd::sender_is_bad(c, "anyone@spammer.example"));
  ck_assert(!qmail::smtpd::sender_is_bad(c, ""));
  auto d = qmail::smtpd::decide_recipient(c, "joe@example.org", false, true);
  ck_assert(!d.accepted);
  ck_assert(has(d.reply, "badmailfrom"));
}
END_TEST

START_TEST(queue_error_codes_are_taken_only_when_well_formed) {
  using qmail::smtpd::enhanced_code;
  ck_assert_msg(enhanced_code("qq write error or disk full (#4.3.0)", false) == "4.3.0",
                "enhanced_code(%s)", "qq write error or disk full (#4.3.0)");
  ck_assert_msg(enhanced_code("go away (#5.7.1)", true) == "5.7.1", "enhanced_code(%s)",
                "go away (#5.7.1)");
  ck_assert_msg(enhanced_code("go away (#5.7.1)", false) == "4.3.0", "enhanced_code(%s)",
                "go away (#5.7.1)");
  ck_assert_msg(enhanced_code("odd (#5.x.1)", true) == "5.3.0", "enhanced_code(%s)",
                "odd (#5.x.1)");
  ck_assert_msg(enhanced_code("odd (#5.1)", true) == "5.3.0", "enhanced_code(%s)", "odd (#5.1)");
  ck_assert_msg(enhanced_code("no code", true) == "5.3.0", "enhanced_code(%s)", "no code");
  ck_assert_msg(enhanced_code("(#)", true) == "5.3.0", "enhanced_code(%s)", "(#)");
}
END_TEST

START_TEST(ehlo_lists_the_extensions) {
  Config c = base_config();
  c.databytes = 1000;
  std::string out = converse(c, "EHLO client.example\r\nQUIT\r\n");
  ck_assert(has(out, "220 mx.example.org ESMTP\r\n"));
  ck_assert(has(out, "250-PIPELINING\r\n"));
  ck_assert(has(out, "250-SIZE 1000\r\n"));
  ck_assert(has(out, "250-8BITMIME\r\n"));
  ck_assert(has(out, "250-SMTPUTF8\r\n"));
  ck_assert(has(out, "250 ENHANCEDSTATUSCODES\r\n"));
  ck_assert(!has(out, "STARTTLS"));  // no STARTTLS hook
  ck_assert(!has(out, "AUTH"));      // no checkpassword
  ck_assert(has(out, "221 2.0.0 "));
}
END_TEST

START_TEST(auth_is_offered_only_inside_tls_unless_allowed) {
  Config c = base_config();
  c.checkpassword = {"/bin/false"};
  ck_assert(!has(converse(c, "EHLO x\r\n"), "AUTH PLAIN"));
  ck_assert(has(converse(c, "EHLO x\r\n", true), "250-AUTH PLAIN LOGIN CRAM-MD5"));
  c.auth_cleartext = true;
  ck_assert(has(converse(c, "EHLO x\r\n"), "250-AUTH PLAIN LOGIN CRAM-MD5"));
  c.auth_cleartext = false;
  c.tls_available = true;
  ck_assert(has(converse(c, "AUTH PLAIN AGpvZQBzZWNyZXQ=\r\n"), "538 5.7.11"));
}
END_TEST

START_TEST(transaction_order_is_enforced) {
  Config c = base_config();
  std::string out = converse(c,
                             "RCPT TO:<joe@example.org>\r\nDATA\r\nMAIL FROM:<a@b.example>\r\n"
                             "MAIL FROM:<a@b.example>\r\nDATA\r\nRSET\r\nFOO\r\n");
  ck_assert(has(out, "503 5.5.1 MAIL first\r\n"));
  ck_assert(has(out, "250 2.1.0 ok\r\n"));
  ck_assert(has(out, "503 5.5.1 nested MAIL command\r\n"));
  ck_assert(has(out, "503 5.5.1 RCPT first\r\n"));
  ck_assert(has(out, "250 2.0.0 flushed\r\n"));
  ck_assert(has(out, "502 5.5.1 unimplemented\r\n"));
}
END_TEST

START_TEST(size_over_databytes_is_refused_at_mail) {
  Config c = base_config();
  c.databytes = 100;
  std::string out =
      converse(c, "MAIL FROM:<a@b.example> SIZE=101\r\nMAIL FROM:<a@b.example> SIZE=100\r\n");
  ck_assert(has(out, "552 5.3.4 "));
  ck_assert(has(out, "250 2.1.0 ok\r\n"));
}
END_TEST

START_TEST(recipient_limit_gives_452) {
  Config c = base_config();
  c.max_recipients = 3;
  std::string in = "MAIL FROM:<>\r\n";
  for (int i = 0; i < 5; ++i) in += "RCPT TO:<joe@example.org>\r\n";
  std::string out = converse(c, in);
  std::size_t oks = 0;
  for (std::size_t p = out.find("250 2.1.5"); p != std::string::npos;
       p = out.find("250 2.1.5", p + 1))
    ++oks;
  ck_assert_uint_eq(oks, 3);
  ck_assert(has(out, "452 4.5.3 too many recipients\r\n"));
}
END_TEST

START_TEST(long_command_line_is_skipped_and_the_session_goes_on) {
  Config c = base_config();
  std::string in = "NOOP " + std::string(100000, 'x') + "\r\nNOOP\r\n";
  std::string out = converse(c, in);
  ck_assert(has(out, "500 5.5.2 line too long\r\n"));
  ck_assert(has(out, "250 2.0.0 ok\r\n"));
}
END_TEST

START_TEST(relayclient_is_appended_after_the_checks) {
  Config c = base_config();
  c.relayclient = "-rc";
  // victim.example is checked and only x is listed: a check made after the
  // suffix was appended would look at another domain and let y through
  qmail::control::CdbMake maker;
  ck_assert(maker.add("@victim.example", "").ok());
  ck_assert(maker.add(":x@victim.example", "").ok());
  auto bytes = maker.finish();
  ck_assert(bytes.ok());
  c.recipients = qmail::control::RecipientMap::from_memory(*bytes);
  MemStream s(
      "MAIL FROM:<a@b.example>\r\nRCPT TO:<x@victim.example>\r\nRCPT TO:<y@victim.example>\r\n");
  qmail::smtpd::Session session(c, s, "", nullptr);
  session.run();
  ck_assert(has(s.out_, "250 2.1.5 ok\r\n"));
  ck_assert(has(s.out_, "550 5.1.1 "));
  ck_assert_uint_eq(session.transaction().recipients.size(), 1);
  ck_assert(session.transaction().recipients[0] == "x@victim.example-rc");
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_smtpd");
  TCase* p = tcase_create("policy");
  tcase_add_test(p, rcpthosts_take_listed_domains_and_dotted_parents);
  tcase_add_test(p, missing_rcpthosts_refuses_every_domain);
  tcase_add_test(p, routing_forms_are_refused_without_relay_permission);
  tcase_add_test(p, local_literal_becomes_localiphost);
  tcase_add_test(p, badrcptto_and_badmailfrom_refuse);
  suite_add_tcase(s, p);
  TCase* q = tcase_create("enhanced_code");
  tcase_add_test(q, queue_error_codes_are_taken_only_when_well_formed);
  suite_add_tcase(s, q);
  TCase* se = tcase_create("session");
  tcase_add_test(se, ehlo_lists_the_extensions);
  tcase_add_test(se, auth_is_offered_only_inside_tls_unless_allowed);
  tcase_add_test(se, transaction_order_is_enforced);
  tcase_add_test(se, size_over_databytes_is_refused_at_mail);
  tcase_add_test(se, recipient_limit_gives_452);
  tcase_add_test(se, long_command_line_is_skipped_and_the_session_goes_on);
  tcase_add_test(se, relayclient_is_appended_after_the_checks);
  suite_add_tcase(s, se);
  return s;
}
