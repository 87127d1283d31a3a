// Unit tests for the small tools: preline, splogger, maildirmake, qmail-pw2u
// and dot-forward's program logic (its parser has check_parse_dot_forward).
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "base/auto.h"
#include "check_main.h"
#include "dot-forward/dot_forward.h"
#include "maildirmake/maildirmake.h"
#include "preline/preline.h"
#include "qmail-pw2u/pw2u.h"
#include "splogger/splogger.h"
#include "sys/open.h"

using namespace qmail;

// Compares two strings held in temporaries (ck_assert_str_eq keeps pointers).
#define CHECK_STR(a, b)                            \
  do {                                             \
    std::string got_ = (a);                        \
    std::string want_ = (b);                       \
    ck_assert_str_eq(got_.c_str(), want_.c_str()); \
  } while (0)

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/check_tools.XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(tmpl));
  return tmpl;
}

void put_file(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0700);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::close(fd);
}

std::string get_file(const std::string& path) {
  std::string out;
  bool found = false;
  ck_assert(sys::read_file(path, out, 1 << 20, &found).ok());
  ck_assert(found);
  return out;
}

// Puts `data` on this (forked) test process's stdin.
void set_stdin(const std::string& dir, std::string_view data) {
  put_file(dir + "/stdin", data);
  int fd = ::open((dir + "/stdin").c_str(), O_RDONLY);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(::dup2(fd, 0), 0);
  ::close(fd);
}

}  // namespace

// --- preline

START_TEST(preline_options_stop_at_the_command) {
  auto o = preline::parse_args({"-fd", "procmail", "-f", "x"});
  ck_assert(o.ok());
  ck_assert(!o->ufline && o->rpline && !o->dtline);
  ck_assert_uint_eq(o->command.size(), 3);
  ck_assert_str_eq(o->command[1].c_str(), "-f");
  auto again = preline::parse_args({"-f", "-F", "--", "-cmd"});
  ck_assert(again.ok() && again->ufline);
  ck_assert_str_eq(again->command[0].c_str(), "-cmd");
  ck_assert(!preline::parse_args({"-f"}).ok());
  ck_assert(!preline::parse_args({"-x", "cat"}).ok());
  ck_assert(!preline::parse_args({}).ok());
}
END_TEST

START_TEST(preline_prefix_keeps_qmail_order) {
  preline::Options o;
  ck_assert(preline::prefix(o, "U\n", "R\n", "D\n") == "U\nR\nD\n");
  o.rpline = false;
  ck_assert(preline::prefix(o, "U\n", "R\n", "D\n") == "U\nD\n");
}
END_TEST

// --- splogger

START_TEST(splogger_folds_escapes_and_skips_blank_lines) {
  std::vector<splogger::Entry> got;
  int stamps = 0;
  splogger::Folder f([&] { return "T" + std::to_string(++stamps); },
                     [&](const splogger::Entry& e) { got.push_back(e); });
  f.feed("warning: a\tb\n\nhel");
  f.feed("lo\n" + std::string(splogger::kFoldAt + 5, 'x') + "\nalert: tail");
  f.finish();
  ck_assert_uint_eq(got.size(), 5);
  ck_assert_str_eq(got[0].text.c_str(), "T1 warning: a?b");
  ck_assert_int_eq(got[0].priority, LOG_WARNING);
  ck_assert_str_eq(got[1].text.c_str(), "T2 hello");
  ck_assert_int_eq(got[1].priority, LOG_INFO);
  ck_assert_uint_eq(got[2].text.size(), 3 + splogger::kFoldAt);
  ck_assert_str_eq(got[3].text.c_str(), "T3+xxxxx");
  ck_assert_str_eq(got[4].text.c_str(), "T4 alert: tail");
  ck_assert_int_eq(got[4].priority, LOG_ALERT);
}
END_TEST

START_TEST(splogger_stamp_has_six_digit_fraction) {
  std::string s = splogger::time_stamp();
  auto dot = s.find('.');
  ck_assert(dot != std::string::npos && dot > 0);
  ck_assert_uint_eq(s.size() - dot - 1, 6);
}
END_TEST

// --- maildirmake

START_TEST(maildirmake_makes_private_dirs_and_refuses_existing) {
  std::string d = temp_dir();
  std::string m = d + "/Maildir";
  ck_assert(maildirmake::make_maildir(m).ok());
  for (const char* sub : {"", "/tmp", "/new", "/cur"}) {
    struct stat st;
    ck_assert_int_eq(::stat((m + sub).c_str(), &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 077, 0);
  }
  auto again = maildirmake::make_maildir(m);
  ck_assert(!again.ok());
  ck_assert_int_eq(again.error().errnum, EEXIST);
  for (const char* sub : {"/tmp", "/new", "/cur", ""}) ::rmdir((m + sub).c_str());
  ::rmdir(d.c_str());
}
END_TEST

// --- qmail-pw2u

namespace {
parse::PasswdEntry entry(const char* user, std::uint32_t uid) {
  return {user, "x", uid, 100, "", std::string("/home/") + user, "/bin/sh"};
}
}  // namespace

START_TEST(pw2u_options_follow_getopt) {
  auto o = pw2u::parse_args({"-/hu", "-c", "+"});
  ck_assert(o.ok());
  ck_assert(o->slash && o->allow_upper && o->home == pw2u::HomeCheck::kStopMissing);
  ck_assert_int_eq(o->brk, '+');
  ck_assert_int_eq(pw2u::parse_args({"-c."})->brk, '.');
  ck_assert_int_eq(pw2u::parse_args({"-C"})->brk, 0);
  ck_assert(pw2u::parse_args({"-H"})->home == pw2u::HomeCheck::kNone);
  ck_assert(!pw2u::parse_args({"-c"}).ok());
  ck_assert(!pw2u::parse_args({"-z"}).ok());
  ck_assert(!pw2u::parse_args({"file"}).ok());
}
END_TEST

START_TEST(pw2u_skips_root_capitals_and_listed_users) {
  pw2u::Options o;
  pw2u::Rules r;
  ck_assert(!pw2u::wanted(entry("root", 0), o, r));
  ck_assert(!pw2u::wanted(entry("Joe", 5), o, r));
  o.allow_upper = true;
  ck_assert(pw2u::wanted(entry("Joe", 5), o, r));
  r.exclude.emplace(std::vector<std::string>{"joe"});
  ck_assert(!pw2u::wanted(entry("Joe", 5), o, r));
  r.include.emplace(std::vector<std::string>{"bob"});
  ck_assert(pw2u::wanted(entry("bob", 6), o, r));
  ck_assert(!pw2u::wanted(entry("ann", 7), o, r));
}
END_TEST

START_TEST(pw2u_account_lines_match_qmail_users) {
  pw2u::Options o;
  pw2u::Rules r;
  std::string lines = pw2u::account_lines(entry("joe", 5), o, r, "alias");
  ck_assert_str_eq(lines.c_str(),
                   "=joe:joe:5:100:/home/joe:::\n"
                   "+joe-:joe:5:100:/home/joe:-::\n");
  o.brk = '\0';
  o.slash = true;
  lines = pw2u::account_lines(entry("alias", 7), o, r, "alias");
  ck_assert_str_eq(lines.c_str(),
                   "+:alias:7:100:/home/alias:-/::\n"
                   "=alias:alias:7:100:/home/alias:::\n");
  o = pw2u::Options{};
  pw2u::add_mailnames(r, {"joe:Joe.Smith::js", "nocolon"});
  lines = pw2u::account_lines(entry("JOE", 5), o, r, "alias");
  ck_assert_str_eq(lines.c_str(),
                   "=Joe.Smith:JOE:5:100:/home/JOE:::\n"
                   "+Joe.Smith-:JOE:5:100:/home/JOE:-::\n"
                   "=js:JOE:5:100:/home/JOE:::\n"
                   "+js-:JOE:5:100:/home/JOE:-::\n");
}
END_TEST

START_TEST(pw2u_subuser_lines_need_a_known_user) {
  std::unordered_map<std::string, std::string> acc{{"joe", ":joe:5:100:/home/joe:"}};
  pw2u::Options o;
  auto s = pw2u::subuser_lines("list:Joe:lists:", acc, o);
  ck_assert(s.ok());
  ck_assert_str_eq(s->c_str(),
                   "=list:joe:5:100:/home/joe:-:lists:\n"
                   "+list-:joe:5:100:/home/joe:-:lists-:\n");
  ck_assert(pw2u::subuser_lines("list:joe", acc, o)->empty());
  ck_assert(!pw2u::subuser_lines("list:ann:x:", acc, o).ok());
}
END_TEST

START_TEST(pw2u_run_reads_rules_and_ends_with_a_dot) {
  std::string home = temp_dir();
  ck_assert_int_eq(::mkdir((home + "/users").c_str(), 0755), 0);
  put_file(home + "/users/exclude", "# nobody gets mail\nnobody\n");
  put_file(home + "/users/subusers", "# comment\nlist:joe:lists:\n");
  put_file(home + "/users/append", "=extra:joe:5:100:/home/joe:::");
  std::string alias = autoconf::kUserAlias;
  std::string ah = home + "/nohome";  // the alias's home, missing
  put_file(home + "/passwd",
           "joe:x:5:100::/home/joe:/bin/sh\nnobody:x:65534:65534::/:/bin/false\ngarbage\n" + alias +
               ":x:7:8::" + ah + ":/bin/true\n");
  int in = ::open((home + "/passwd").c_str(), O_RDONLY);
  int out = ::open((home + "/out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_eq(pw2u::run_in({"-H"}, home, in, out), 0);
  ::close(in);
  ::close(out);
  std::string want =
      "=joe:joe:5:100:/home/joe:::\n+joe-:joe:5:100:/home/joe:-::\n"
      "+:" +
      alias + ":7:8:" + ah + ":-::\n=" + alias + ":" + alias + ":7:8:" + ah + ":::\n+" + alias +
      "-:" + alias + ":7:8:" + ah +
      ":-::\n"
      "=list:joe:5:100:/home/joe:-:lists:\n+list-:joe:5:100:/home/joe:-:lists-:\n"
      "=extra:joe:5:100:/home/joe:::\n.\n";
  CHECK_STR(get_file(home + "/out"), want);

  // -o skips a missing home (here: the alias's), -h stops there.
  in = ::open((home + "/passwd").c_str(), O_RDONLY);
  out = ::open((home + "/out").c_str(), O_WRONLY | O_TRUNC);
  ck_assert_int_eq(pw2u::run_in({"-o"}, home, in, out), 111);
  ::lseek(in, 0, SEEK_SET);
  ck_assert_int_eq(pw2u::run_in({"-h"}, home, in, out), 111);
  ck_assert_int_eq(pw2u::run_in({"-q"}, home, in, out), 100);
  ::close(in);
  ::close(out);
  for (const char* f : {"/users/exclude", "/users/subusers", "/users/append", "/passwd", "/out"})
    ::unlink((home + f).c_str());
  ::rmdir((home + "/users").c_str());
  ::rmdir(home.c_str());
}
END_TEST

// --- dot-forward

START_TEST(dot_forward_options_and_exit_codes) {
  auto o = dotforward::parse_args({"-n", ".forward", "-N"});
  ck_assert(o.ok() && !o->deliver);
  ck_assert_uint_eq(o->files.size(), 2);
  ck_assert(!dotforward::parse_args({"-n"}).ok());
  ck_assert(!dotforward::parse_args({"-q", "f"}).ok());
  ck_assert_int_eq(dotforward::map_program_exit(0), 0);
  for (int c : {64, 65, 70, 76, 77, 78, 100, 112})
    ck_assert_int_eq(dotforward::map_program_exit(c), 100);
  for (int c : {1, 2, 75, 99, 111}) ck_assert_int_eq(dotforward::map_program_exit(c), 111);
  using parse::ForwardKind;
  ck_assert_int_eq(dotforward::exit_after({{ForwardKind::kAddress, "a@b"}}), 99);
  ck_assert_int_eq(
      dotforward::exit_after({{ForwardKind::kAddress, "a@b"}, {ForwardKind::kSelf, "joe"}}), 0);
  std::string d = dotforward::describe(
      {{ForwardKind::kAddress, "a@b"}, {ForwardKind::kProgram, "x\ty"}, {ForwardKind::kSelf, "j"}});
  ck_assert_str_eq(d.c_str(), "forward a@b\npipe through x?y\ndirect delivery\n");
}
END_TEST

START_TEST(dot_forward_controls_default_to_me) {
  std::string home = temp_dir();
  auto none = dotforward::read_controls(home);
  ck_assert(none.ok());
  ck_assert_str_eq(none->default_host.c_str(), "me");
  ck_assert_int_eq(::mkdir((home + "/control").c_str(), 0755), 0);
  put_file(home + "/control/me", "mx.example.com\n");
  put_file(home + "/control/defaultdomain", "example.com\n");
  auto c = dotforward::read_controls(home);
  ck_assert(c.ok());
  ck_assert_str_eq(c->default_host.c_str(), "mx.example.com");
  ck_assert_str_eq(c->default_domain.c_str(), "example.com");
  ck_assert_str_eq(c->plus_domain.c_str(), "mx.example.com");
  ::unlink((home + "/control/me").c_str());
  ::unlink((home + "/control/defaultdomain").c_str());
  ::rmdir((home + "/control").c_str());
  ::rmdir(home.c_str());
}
END_TEST

START_TEST(dot_forward_runs_programs_and_forwards) {
  std::string d = temp_dir();
  set_stdin(d, "Subject: x\n\nbody\n");
  bool consumed = false;
  ck_assert(dotforward::rewind_input(consumed).ok());
  ck_assert_int_eq(dotforward::run_program("cat > " + d + "/prog", "HEAD\n"), 0);
  CHECK_STR(get_file(d + "/prog"), "HEAD\nSubject: x\n\nbody\n");
  ck_assert(dotforward::rewind_input(consumed).ok());
  ck_assert_int_eq(dotforward::run_program("exit 65", ""), 100);
  ck_assert(dotforward::rewind_input(consumed).ok());
  ck_assert_int_eq(dotforward::run_program("exit 1", ""), 111);
  ck_assert(dotforward::rewind_input(consumed).ok());
  ck_assert_int_eq(dotforward::run_program("head -c 1 >/dev/null", ""), 0);

  // A stand-in for qmail-queue records what it was given.
  put_file(d + "/qq",
           "#!/bin/sh\ncat > " + d + "/qq.msg\ncat <&1 > " + d + "/qq.env\nexit ${QQ_EXIT:-0}\n");
  ck_assert_int_eq(setenv("QMAILQUEUE", (d + "/qq").c_str(), 1), 0);
  dotforward::Environment env;
  env.dtline = "Delivered-To: joe@x\n";
  env.sender = "s@y";
  ck_assert(dotforward::rewind_input(consumed).ok());
  ck_assert(dotforward::forward({"a@b", "c@d"}, env).ok());
  CHECK_STR(get_file(d + "/qq.msg"), "Delivered-To: joe@x\nSubject: x\n\nbody\n");
  std::string env_bytes = get_file(d + "/qq.env");
  ck_assert(env_bytes == std::string("Fs@y\0Ta@b\0Tc@d\0\0", 16));
  ck_assert_int_eq(setenv("QQ_EXIT", "31", 1), 0);
  ck_assert(dotforward::rewind_input(consumed).ok());
  auto refused = dotforward::forward({"a@b"}, env);
  ck_assert(!refused.ok() && !refused.error().temporary());
  for (const char* f : {"/stdin", "/prog", "/qq", "/qq.msg", "/qq.env"}) ::unlink((d + f).c_str());
  ::rmdir(d.c_str());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("tools");
  TCase* pre = tcase_create("preline");
  tcase_add_test(pre, preline_options_stop_at_the_command);
  tcase_add_test(pre, preline_prefix_keeps_qmail_order);
  suite_add_tcase(s, pre);
  TCase* sp = tcase_create("splogger");
  tcase_add_test(sp, splogger_folds_escapes_and_skips_blank_lines);
  tcase_add_test(sp, splogger_stamp_has_six_digit_fraction);
  suite_add_tcase(s, sp);
  TCase* mm = tcase_create("maildirmake");
  tcase_add_test(mm, maildirmake_makes_private_dirs_and_refuses_existing);
  suite_add_tcase(s, mm);
  TCase* pw = tcase_create("qmail_pw2u");
  tcase_add_test(pw, pw2u_options_follow_getopt);
  tcase_add_test(pw, pw2u_skips_root_capitals_and_listed_users);
  tcase_add_test(pw, pw2u_account_lines_match_qmail_users);
  tcase_add_test(pw, pw2u_subuser_lines_need_a_known_user);
  tcase_add_test(pw, pw2u_run_reads_rules_and_ends_with_a_dot);
  suite_add_tcase(s, pw);
  TCase* df = tcase_create("dot_forward");
  tcase_add_test(df, dot_forward_options_and_exit_codes);
  tcase_add_test(df, dot_forward_controls_default_to_me);
  tcase_add_test(df, dot_forward_runs_programs_and_forwards);
  suite_add_tcase(s, df);
  return s;
}
