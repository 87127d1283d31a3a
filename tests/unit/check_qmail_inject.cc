// Unit tests for qmail-inject (src/qmail-inject: options, address rewriting,
// the header rewrite, -n output and queueing through $QMAILQUEUE) and for the
// sendmail wrapper's translation of its options (src/sendmail).
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "check_main.h"
#include "inject/header.h"
#include "inject/inject.h"
#include "inject/options.h"
#include "inject/rewrite.h"
#include "parse/rfc822_header.h"
#include "sendmail.h"
#include "sys/open.h"

// Compares as std::string: the arguments may be temporaries (ck_assert_str_eq
// would keep pointers into them past their lifetime).
#define ck_str(a, b)                                \
  do {                                              \
    std::string ck_a_ = (a), ck_b_ = (b);           \
    ck_assert_str_eq(ck_a_.c_str(), ck_b_.c_str()); \
  } while (0)

using namespace qmail;
using namespace qmail::inject;

namespace {

constexpr std::time_t kNow = 1795248276;  // 21 Nov 2026 08:04:36 UTC

Config test_config() {
  Config c;
  c.default_host = "x.org";
  c.default_domain = "berkeley.edu";
  c.plus_domain = "plus.example";
  c.id_host = "id.x.org";
  c.user = "joe";
  c.sender_user = "joe";
  return c;
}

Result<Prepared> prepare(const std::string& message, const Config& c, bool print = false,
                         std::optional<std::string> sender = std::nullopt,
                         std::vector<std::string> rcpts = {}, bool header_rcpts = true) {
  auto rw = Rewriter::make(c);
  ck_assert(rw.ok());
  auto split = parse::split_header(message);
  ck_assert(split.ok());
  Request req;
  req.config = &c;
  req.rewriter = &*rw;
  req.sender = std::move(sender);
  req.recipients = std::move(rcpts);
  req.header_recipients = header_rcpts;
  req.print = print;
  req.now = kNow;
  req.pid = 4242;
  return prepare_header(split->fields, req);
}

std::string rewrite_one(const Config& c, const std::string& addr) {
  auto rw = Rewriter::make(c);
  ck_assert(rw.ok());
  auto e = rw->envelope(parse::quote_address(addr));
  return e.ok() ? *e : "ERROR";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

const char* kStamps =
    "Date: 21 Nov 2026 08:04:36 -0000\n"
    "Message-ID: <20261121080436.4242.qmail@id.x.org>\n";

}  // namespace

START_TEST(parse_options_follows_getopt) {
  auto o = parse_options({"-nH", "-fme@x", "a", "-b"});
  ck_assert(o.ok());
  ck_assert(!o->queue);
  ck_assert(o->source == RecipientSource::kBoth);
  ck_assert(*o->sender == "me@x");
  ck_str(join(o->recipients).c_str(), "a -b");
  o = parse_options({"-f", "", "--", "-x"});
  ck_assert(o.ok());
  ck_assert(o->sender && o->sender->empty());
  ck_str(join(o->recipients).c_str(), "-x");
  ck_assert(!parse_options({"-z"}).ok());
  ck_assert(!parse_options({"-f"}).ok());
}
END_TEST

START_TEST(config_comes_from_the_environment) {
  Env env = [](const char* n) -> std::optional<std::string> {
    std::string k = n;
    if (k == "QMAILINJECT") return "cfirms";
    if (k == "USER") return "usr";
    if (k == "MAILHOST") return "mh.org";
    if (k == "QMAILSUSER") return "bounces";
    if (k == "NAME") return "A Name";
    return std::nullopt;
  };
  Config c = config_from_env(env);
  ck_assert(c.name_comment && c.delete_from && c.delete_message_id && c.verp_recipient &&
            c.verp_message && c.ignore_return_path);
  ck_assert(c.user == "usr");
  ck_assert(*c.host == "mh.org");
  ck_assert(*c.sender_host == "mh.org");
  ck_assert(c.sender_user == "bounces");
  ck_assert(*c.full_name == "A Name");
}
END_TEST

START_TEST(controls_default_to_me_then_to_literal_names) {
  char dir[] = "/tmp/check_inject.XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  std::string home = dir;
  Env none = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  Config c;
  ck_assert(load_controls(c, home, none).ok());
  ck_assert(c.default_host == "defaulthost" && c.id_host == "idhost");
  ck_assert_int_eq(mkdir((home + "/control").c_str(), 0755), 0);
  ck_assert(sys::write_file_atomic(home + "/control/me", "me.example\n", 0644).ok());
  ck_assert(sys::write_file_atomic(home + "/control/defaulthost", "dh.example\n", 0644).ok());
  Env env = [](const char* n) -> std::optional<std::string> {
    if (std::string(n) == "QMAILIDHOST") return "env.example";
    return std::nullopt;
  };
  ck_assert(load_controls(c, home, env).ok());
  ck_assert(c.default_host == "dh.example");
  ck_assert(c.default_domain == "me.example");
  ck_assert(c.plus_domain == "me.example");
  ck_assert(c.id_host == "env.example");
  unlink((home + "/control/me").c_str());
  unlink((home + "/control/defaulthost").c_str());
  rmdir((home + "/control").c_str());
  rmdir(dir);
}
END_TEST

START_TEST(rewriter_adds_host_domain_and_plus_domain) {
  Config c = test_config();
  ck_str(rewrite_one(c, "joe").c_str(), "joe@x.org");
  ck_str(rewrite_one(c, "djb@silverton").c_str(), "djb@silverton.berkeley.edu");
  ck_str(rewrite_one(c, "eric@mammoth.cs+").c_str(), "eric@mammoth.cs.plus.example");
  ck_str(rewrite_one(c, "eric@+").c_str(), "eric@plus.example");
  ck_str(rewrite_one(c, "root@[127.0.0.1]").c_str(), "root@[127.0.0.1]");
  ck_str(rewrite_one(c, "joe@x.org.").c_str(), "joe@x.org");
  ck_str(rewrite_one(c, "joe@").c_str(), "joe@x.org");
  ck_str(rewrite_one(c, "").c_str(), "");
  ck_str(rewrite_one(c, "pre@host-@[]").c_str(), "pre@host-@[]");
  c.default_host = "mammoth+";
  ck_str(rewrite_one(c, "joe").c_str(), "joe@mammoth.plus.example");
  c.default_host = "silverton";
  ck_str(rewrite_one(c, "joe").c_str(), "joe@silverton.berkeley.edu");
}
END_TEST

START_TEST(rewriter_strips_source_routes) {
  Config c = test_config();
  auto list = parse::parse_address_list("<@brl.mil,@b.org:joe@heaven.af.mil>");
  ck_assert(list.ok());
  auto rw = Rewriter::make(c);
  ck_assert(rw.ok());
  for (auto& item : *list)
    if (item.kind == parse::AddressItem::Kind::kAddress) rw->rewrite(item.tokens);
  ck_str(parse::format_field("To", *list).c_str(), "To: <joe@heaven.af.mil>\n");
}
END_TEST

START_TEST(header_addresses_are_rewritten) {
  Config c = test_config();
  auto p = prepare("To: joe\nCc: A Person <fred@silverton>, djb eric\nSubject: hi\n\n", c);
  ck_assert(p.ok());
  std::string want = std::string(kStamps) + "From: joe@x.org\n" +
                     "To: joe@x.org\n"
                     "Cc: A Person <fred@silverton.berkeley.edu>, djb@x.org, eric@x.org\n"
                     "Subject: hi\n";
  ck_str(p->header.c_str(), want.c_str());
  ck_str(join(p->recipients).c_str(), "joe@x.org fred@silverton.berkeley.edu djb@x.org eric@x.org");
  ck_str(p->sender.c_str(), "joe@x.org");
}
END_TEST

START_TEST(groups_are_rewritten_and_bcc_removed) {
  Config c = test_config();
  auto p = prepare(
      "From: Me <me>\nTo: friends: a, b@y.org;\nBcc: secret\nReturn-Path: <bounce@y.org>\n"
      "Content-Length: 12\nDate: today\nMessage-ID: <x@y>\n\n",
      c);
  ck_assert(p.ok());
  ck_str(p->header.c_str(),
         "From: Me <me@x.org>\nTo: friends: a@x.org, b@y.org;\nDate: today\n"
         "Message-ID: <x@y>\n");
  ck_str(join(p->recipients).c_str(), "a@x.org b@y.org secret@x.org");
  ck_str(p->sender.c_str(), "bounce@y.org");
}
END_TEST

START_TEST(missing_to_and_cc_get_an_empty_group) {
  Config c = test_config();
  auto p = prepare("Bcc: hidden@y.org\nSubject: s\n\n", c);
  ck_assert(p.ok());
  std::string want =
      std::string(kStamps) + "From: joe@x.org\nCc: recipient list not shown: ;\nSubject: s\n";
  ck_str(p->header.c_str(), want.c_str());
  ck_str(join(p->recipients).c_str(), "hidden@y.org");
}
END_TEST

START_TEST(default_from_uses_name_user_and_host) {
  Config c = test_config();
  c.full_name = "Joe \"Q\" Public";
  c.host = "mail.y.org";
  auto p = prepare("To: a@b.org\n\n", c);
  ck_assert(p.ok());
  ck_assert(p->header.find("From: \"Joe \\\"Q\\\" Public\" <joe@mail.y.org>\n") !=
            std::string::npos);
  c.name_comment = true;
  c.user = "odd user";
  p = prepare("To: a@b.org\n\n", c);
  ck_assert(p.ok());
  ck_assert(p->header.find("From: \"odd user\"@mail.y.org (Joe \"Q\" Public)\n") !=
            std::string::npos);
}
END_TEST

START_TEST(qmailinject_flags_delete_fields_and_make_verps) {
  Config c = test_config();
  c.delete_from = true;
  c.delete_message_id = true;
  c.ignore_return_path = true;
  c.verp_recipient = true;
  auto p = prepare("From: other@y.org\nMessage-ID: <old@y>\nReturn-Path: <r@y.org>\nTo: a\n\n", c);
  ck_assert(p.ok());
  std::string want = std::string(kStamps) + "From: joe@x.org\nTo: a@x.org\n";
  ck_str(p->header.c_str(), want.c_str());
  ck_str(p->sender.c_str(), "joe-@x.org-@[]");
  c = test_config();
  c.verp_message = true;
  p = prepare("To: a\n\n", c);
  ck_assert(p.ok());
  ck_str(p->sender.c_str(), "joe-1795248276.4242@x.org");
}
END_TEST

START_TEST(sender_option_overrides_return_path) {
  Config c = test_config();
  auto p = prepare("Return-Path: <r@y.org>\nTo: a\n\n", c, true, "s@z.org");
  ck_assert(p.ok());
  ck_str(p->sender.c_str(), "s@z.org");
  ck_assert(p->header.rfind("Return-Path: <s@z.org>\n", 0) == 0);
  p = prepare("To: a\n\n", c, true, "");
  ck_assert(p.ok());
  ck_assert(p->header.rfind("Return-Path: <>\n", 0) == 0);
}
END_TEST

START_TEST(resent_messages_get_resent_fields) {
  Config c = test_config();
  auto p = prepare("From: a@y.org\nTo: b@y.org\nResent-To: c\nResent-Bcc: d\nDate: x\n\n", c);
  ck_assert(p.ok());
  std::string want =
      "Resent-Date: 21 Nov 2026 08:04:36 -0000\n"
      "Resent-Message-ID: <20261121080436.4242.qmail@id.x.org>\n"
      "Resent-From: joe@x.org\n"
      "From: a@y.org\nTo: b@y.org\nResent-To: c@x.org\nDate: x\n";
  ck_str(p->header.c_str(), want.c_str());
  ck_str(join(p->recipients).c_str(), "c@x.org d@x.org");
}
END_TEST

START_TEST(argument_recipients_come_first) {
  Config c = test_config();
  auto p = prepare("To: h@y.org\n\n", c, false, std::nullopt, {"arg@y.org"}, true);
  ck_assert(p.ok());
  ck_str(join(p->recipients).c_str(), "arg@y.org h@y.org");
  p = prepare("To: h@y.org\n\n", c, false, std::nullopt, {"arg@y.org"}, false);
  ck_assert(p.ok());
  ck_str(join(p->recipients).c_str(), "arg@y.org");
}
END_TEST

START_TEST(bad_sender_field_is_fatal_bad_recipient_field_is_kept) {
  Config c = test_config();
  auto p = prepare("From: Joe <joe\nTo: a\n\n", c);
  ck_assert(!p.ok());
  ck_assert(!p.error().temporary());
  p = prepare("To: Joe <joe\nCc: b\n\n", c);
  ck_assert(p.ok());
  ck_assert(p->header.find("To: Joe <joe\nCc: b@x.org\n") != std::string::npos);
  ck_str(join(p->recipients).c_str(), "b@x.org");
}
END_TEST

START_TEST(mail_followup_to_is_added_for_listed_lists) {
  Config c = test_config();
  c.followup_lists = control::StringSet(std::vector<std::string>{"list@lists.org"});
  auto p = prepare("To: List@Lists.org\nCc: me@y.org\n\n", c);
  ck_assert(p.ok());
  ck_assert(p->header.find("Mail-Followup-To: List@Lists.org,\n  me@y.org\nTo: ") !=
            std::string::npos);
  p = prepare("To: other@lists.org\n\n", c);
  ck_assert(p.ok());
  ck_assert(p->header.find("Mail-Followup-To") == std::string::npos);
}
END_TEST

namespace {
// Runs inject() on `message` with the descriptors of two pipes.
std::string inject_print(const std::string& message, const Options& o, const Config& c,
                         Status* status) {
  int in[2], out[2];
  ck_assert_int_eq(pipe(in), 0);
  ck_assert_int_eq(pipe(out), 0);
  ck_assert_int_eq(write(in[1], message.data(), message.size()), (ssize_t)message.size());
  close(in[1]);
  *status = qmail::inject::inject(o, c, in[0], out[1], kNow, 4242);
  close(in[0]);
  close(out[1]);
  std::string got;
  char buf[4096];
  for (int i = 0; i < 100; ++i) {
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  return got;
}
}  // namespace

START_TEST(print_option_writes_the_message) {
  Config c = test_config();
  Options o;
  o.queue = false;
  Status st;
  std::string got = inject_print("To: a\nSubject: s\n\nline 1\nline 2", o, c, &st);
  ck_assert(st.ok());
  std::string want = std::string("Return-Path: <joe@x.org>\n") + kStamps +
                     "From: joe@x.org\nTo: a@x.org\nSubject: s\n\nline 1\nline 2";
  ck_str(got.c_str(), want.c_str());
  got = inject_print("Subject: s\nno field here\n", o, c, &st);
  ck_assert(st.ok());
  ck_assert(got.find("Subject: s\n\nno field here\n") != std::string::npos);
}
END_TEST

START_TEST(inject_rejects_bad_arguments_and_no_recipients) {
  Config c = test_config();
  Options o;
  o.recipients = {"joe@b)c"};
  Status st;
  inject_print("Subject: s\n\n", o, c, &st);
  ck_assert(!st.ok());
  ck_assert(!st.error().temporary());
  o.recipients.clear();
  inject_print("Subject: s\n\n", o, c, &st);
  ck_assert(!st.ok());
  ck_str(st.error().what.c_str(), "no recipients");
  ck_assert(!st.error().temporary());
}
END_TEST

START_TEST(inject_queues_through_qmailqueue) {
  char dir[] = "/tmp/check_inject.XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  std::string d = dir;
  std::string script = "#!/bin/sh\ncat > " + d + "/msg && cat <&1 > " + d + "/env\n";
  ck_assert(sys::write_file_atomic(d + "/qq", script, 0755).ok());
  setenv("QMAILQUEUE", (d + "/qq").c_str(), 1);
  Config c = test_config();
  Options o;
  o.source = RecipientSource::kBoth;
  o.sender = "<s@z.org>";
  o.recipients = {"arg"};
  Status st;
  inject_print("To: a\nBcc: b@y.org\n\nbody\n", o, c, &st);
  unsetenv("QMAILQUEUE");
  ck_assert_msg(st.ok(), "%s", st.ok() ? "" : st.error().text().c_str());
  std::string msg, env;
  bool found = false;
  ck_assert(sys::read_file(d + "/msg", msg, 1 << 20, &found).ok() && found);
  ck_assert(sys::read_file(d + "/env", env, 1 << 20, &found).ok() && found);
  std::string want = std::string(kStamps) + "From: joe@x.org\nTo: a@x.org\n\nbody\n";
  ck_str(msg.c_str(), want.c_str());
  const char kEnv[] = "Fs@z.org\0Targ@x.org\0Ta@x.org\0Tb@y.org\0\0";
  std::string want_env(kEnv, sizeof kEnv - 1);
  ck_assert(env == want_env);
  for (const char* f : {"/msg", "/env", "/qq"}) unlink((d + f).c_str());
  rmdir(dir);
}
END_TEST

namespace {
using qmail::sendmail::Plan;
Plan smplan(std::vector<std::string> args, std::string_view prog = "sendmail") {
  return qmail::sendmail::plan(prog, args, false);
}
}  // namespace

START_TEST(sendmail_maps_options_onto_qmail_inject) {
  Plan p = smplan({"-oi", "-t"});
  ck_assert(p.action == Plan::Action::kExec);
  ck_str(join(p.argv).c_str(), "bin/qmail-inject -H --");
  ck_assert(p.env.empty());
  p = smplan({"-i", "-odb", "-B", "8BITMIME", "-N", "never", "-v", "a@b", "c"});
  ck_str(join(p.argv).c_str(), "bin/qmail-inject -a -- a@b c");
  p = smplan({"-fme@y.org", "-F", "Joe Q", "--", "-x"});
  ck_str(join(p.argv).c_str(), "bin/qmail-inject -a -f me@y.org -- -x");
  ck_assert_int_eq(p.env.size(), 8);
  ck_assert(p.env[0].first == "QMAILNAME" && !p.env[0].second);
  ck_assert(p.env[5].first == "QMAILHOST" && *p.env[5].second == "y.org");
  ck_assert(p.env[6].first == "QMAILUSER" && *p.env[6].second == "me");
  ck_assert(p.env[7].first == "QMAILNAME" && *p.env[7].second == "Joe Q");
  p = smplan({"-f", "<>", "x"});
  ck_str(join(p.argv).c_str(), "bin/qmail-inject -a -f <> -- x");
  ck_assert(p.env.empty());
}
END_TEST

START_TEST(sendmail_runs_qread_smtpd_or_refuses) {
  ck_str(join(smplan({"-bp"}).argv).c_str(), "bin/qmail-qread");
  ck_str(join(smplan({}, "mailq").argv).c_str(), "bin/qmail-qread");
  Plan p = smplan({"-bs"});
  ck_str(join(p.argv).c_str(), "bin/qmail-smtpd");
  ck_assert(p.env.size() == 8 && p.env[0].first == "RELAYCLIENT");
  ck_assert(qmail::sendmail::plan("sendmail", {"-bs"}, true).env.empty());
  ck_assert(smplan({"-bq"}).action == Plan::Action::kUsage);
  ck_assert(smplan({"-q"}).action == Plan::Action::kUsage);
  ck_assert(smplan({"-f"}).action == Plan::Action::kUsage);
  ck_assert(smplan({}, "newaliases").action == Plan::Action::kNewaliases);
  ck_str(join(smplan({"-bm", "-Ex", "a"}).argv).c_str(), "bin/qmail-inject -a -- a");
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_inject");
  TCase* tc = tcase_create("options");
  tcase_add_test(tc, parse_options_follows_getopt);
  tcase_add_test(tc, config_comes_from_the_environment);
  tcase_add_test(tc, controls_default_to_me_then_to_literal_names);
  suite_add_tcase(s, tc);
  tc = tcase_create("rewrite");
  tcase_add_test(tc, rewriter_adds_host_domain_and_plus_domain);
  tcase_add_test(tc, rewriter_strips_source_routes);
  suite_add_tcase(s, tc);
  tc = tcase_create("prepare_header");
  tcase_add_test(tc, header_addresses_are_rewritten);
  tcase_add_test(tc, groups_are_rewritten_and_bcc_removed);
  tcase_add_test(tc, missing_to_and_cc_get_an_empty_group);
  tcase_add_test(tc, default_from_uses_name_user_and_host);
  tcase_add_test(tc, qmailinject_flags_delete_fields_and_make_verps);
  tcase_add_test(tc, sender_option_overrides_return_path);
  tcase_add_test(tc, resent_messages_get_resent_fields);
  tcase_add_test(tc, argument_recipients_come_first);
  tcase_add_test(tc, bad_sender_field_is_fatal_bad_recipient_field_is_kept);
  tcase_add_test(tc, mail_followup_to_is_added_for_listed_lists);
  suite_add_tcase(s, tc);
  tc = tcase_create("inject");
  tcase_add_test(tc, print_option_writes_the_message);
  tcase_add_test(tc, inject_rejects_bad_arguments_and_no_recipients);
  tcase_add_test(tc, inject_queues_through_qmailqueue);
  suite_add_tcase(s, tc);
  tc = tcase_create("sendmail");
  tcase_add_test(tc, sendmail_maps_options_onto_qmail_inject);
  tcase_add_test(tc, sendmail_runs_qread_smtpd_or_refuses);
  suite_add_tcase(s, tc);
  return s;
}
