// Tests for qmail-local: its pure helpers (libqmail-local), and the built
// binary run as the current user against a temporary home directory, with
// $QMAILQUEUE pointing at a script that saves what a forward hands over.
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "check_main.h"
#include "check_tmp.h"
#include "qmail-local/deliver.h"
#include "qmail-local/environ.h"

using namespace qmail;
using namespace qmail::local;

namespace {
const char kMessage[] = "From: a@b.example\nSubject: test\n\nFrom the body\nbye\n";

struct Run {
  int code = -1;
  std::string out;  // stdout and stderr together, as qmail-lspawn collects them
};

std::string temp_dir() { return check_tmp::make_dir("check_qmail_local"); }

using check_tmp::write_file;

std::string read_file(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return "<missing>";
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

std::string nul(const std::string& s) { return s + '\0'; }

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') out.push_back(e->d_name);
    ::closedir(d);
  }
  return out;
}

// A sandbox: <top>/home (the user's home, 0755), <top>/msg, <top>/qq (the fake
// qmail-queue, which saves its fd 0 to <top>/qq.msg and its fd 1 to <top>/qq.env).
struct Sandbox {
  std::string top = temp_dir();
  std::string home = top + "/home";
  Sandbox() {
    ck_assert_int_eq(::mkdir(home.c_str(), 0755), 0);
    ck_assert_int_eq(::chmod(home.c_str(), 0755), 0);
    write_file(top + "/msg", kMessage);
    write_file(top + "/qq",
               "#!/bin/sh\ncat > '" + top + "/qq.msg' && cat <&1 > '" + top + "/qq.env'\n", 0755);
  }
  void dot(const std::string& name, const std::string& text, mode_t mode = 0644) {
    write_file(home + "/" + name, text, mode);
  }
  void maildir(const std::string& name) {
    for (const char* sub : {"", "/tmp", "/new", "/cur"})
      ck_assert_int_eq(::mkdir((home + "/" + name + sub).c_str(), 0700), 0);
  }
  // qmail-local [flag] joe home local dash ext example.com sender defaultdelivery
  Run run(const std::string& local, const std::string& dash, const std::string& ext,
          const std::string& sender = "sender@remote.example",
          const std::string& fallback = "./Mailbox\n", const std::string& flag = "-N",
          const std::string& msg = "") const {
    const char* top_builddir = std::getenv("top_builddir");
    std::string prog =
        std::string(top_builddir ? top_builddir : ".") + "/src/qmail-local/qmail-local";
    std::string msgfile = top + "/msg";
    if (!msg.empty()) {
      msgfile = top + "/msg.custom";
      write_file(msgfile, msg);
    }
    std::string outfile = top + "/out";
    pid_t pid = ::fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
      int in = ::open(msgfile.c_str(), O_RDONLY);
      int out = ::open(outfile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (in < 0 || out < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0)
        _exit(127);
      ::setenv("QMAILQUEUE", (top + "/qq").c_str(), 1);
      ::alarm(60);  // a hung qmail-local fails the test instead of hanging it
      ::execl(prog.c_str(), "qmail-local", flag.c_str(), "joe", home.c_str(), local.c_str(),
              dash.c_str(), ext.c_str(), "example.com", sender.c_str(), fallback.c_str(),
              static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    ck_assert_int_eq(::waitpid(pid, &status, 0), pid);
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
    r.out = read_file(outfile);
    return r;
  }
};
}  // namespace

START_TEST(helpers_split_ext_and_host) {
  ck_assert(ext_part("a-b-c-d", 1) == "a-b-c-d");
  ck_assert(ext_part("a-b-c-d", 2) == "b-c-d");
  ck_assert(ext_part("a-b-c-d", 3) == "c-d");
  ck_assert(ext_part("a-b-c-d", 4) == "d");
  ck_assert(ext_part("a", 2) == "");
  ck_assert(host_part("a.b.example.com", 2) == "a.b.example");
  ck_assert(host_part("a.b.example.com", 3) == "a.b");
  ck_assert(host_part("a.b.example.com", 4) == "a");
  ck_assert(host_part("localhost", 2) == "localhost");
}
END_TEST

START_TEST(helpers_choose_new_sender) {
  ck_assert(new_sender("s@x", "joe-list", "h.example", false, false) == "s@x");
  ck_assert(new_sender("s@x", "joe-list", "h.example", true, false) == "joe-list-owner@h.example");
  ck_assert(new_sender("s@x", "joe-list", "h.example", true, true) ==
            "joe-list-owner-@h.example-@[]");
  ck_assert(new_sender("", "joe-list", "h.example", true, true) == "");
  ck_assert(new_sender("#@[]", "joe-list", "h.example", true, false) == "#@[]");
}
END_TEST

START_TEST(helpers_detect_loops_in_header_only) {
  const std::string dt = "Delivered-To: joe@example.com\n";
  LoopDetector a(dt);
  ck_assert(a.feed("X: y\nDelivered-To: joe@example.com\n") == LoopDetector::Verdict::kLoop);
  LoopDetector b(dt);
  ck_assert(b.feed("X: y\n\nDelivered-To: joe@example.com\n") == LoopDetector::Verdict::kClean);
  LoopDetector c(dt);
  ck_assert(c.feed("Delivered-To: joe@example.com.evil\n\n") == LoopDetector::Verdict::kClean);
  LoopDetector d(dt);
  for (char ch : std::string("A: b\nDelivered-To: joe@example.com\n"))
    (void)d.feed(std::string_view(&ch, 1));
  ck_assert(d.feed("") == LoopDetector::Verdict::kLoop);
}
END_TEST

START_TEST(helpers_map_program_exit_codes) {
  ck_assert(classify_program_exit(0) == DeliveryExit::kOk);
  ck_assert(classify_program_exit(99) == DeliveryExit::kOkStop);
  for (int hard : {64, 65, 70, 76, 77, 78, 100, 112})
    ck_assert(classify_program_exit(hard) == DeliveryExit::kPermanent);
  for (int soft : {1, 2, 66, 75, 111, 126, 127})
    ck_assert(classify_program_exit(soft) == DeliveryExit::kTemporary);
}
END_TEST

START_TEST(delivers_to_mbox_with_header_lines) {
  Sandbox s;
  s.dot(".qmail", "./Mailbox\n");
  Run r = s.run("joe", "", "");
  ck_assert_msg(r.code == 0, "%d %s", r.code, r.out.c_str());
  ck_assert(r.out == "did 1+0+0\n");
  std::string box = read_file(s.home + "/Mailbox");
  ck_assert(box.rfind("From sender@remote.example ", 0) == 0);
  ck_assert(contains(box,
                     "\nReturn-Path: <sender@remote.example>\nDelivered-To: joe@example.com\n"
                     "From: a@b.example\n"));
  ck_assert(contains(box, "\n>From the body\nbye\n\n"));
}
END_TEST

START_TEST(delivers_to_maildir) {
  Sandbox s;
  s.maildir("Maildir");
  s.dot(".qmail", "# mine\n./Maildir/\n");
  Run r = s.run("joe", "", "");
  ck_assert_msg(r.code == 0, "%d %s", r.code, r.out.c_str());
  auto names = files_in(s.home + "/Maildir/new");
  ck_assert_uint_eq(names.size(), 1);
  ck_assert(read_file(s.home + "/Maildir/new/" + names[0]) ==
            std::string("Return-Path: <sender@remote.example>\nDelivered-To: joe@example.com\n") +
                kMessage);
  ck_assert(files_in(s.home + "/Maildir/tmp").empty());
}
END_TEST

START_TEST(missing_dot_qmail_uses_default_delivery) {
  Sandbox s;
  s.maildir("Maildir");
  Run r = s.run("joe", "", "", "", "./Maildir/");
  ck_assert_msg(r.code == 0, "%d %s", r.code, r.out.c_str());
  ck_assert_uint_eq(files_in(s.home + "/Maildir/new").size(), 1);
  // An empty .qmail means the same.
  s.dot(".qmail", "");
  r = s.run("joe", "", "", "", "./Maildir/");
  ck_assert_int_eq(r.code, 0);
  ck_assert_uint_eq(files_in(s.home + "/Maildir/new").size(), 2);
}
END_TEST

START_TEST(program_gets_message_and_environment) {
  Sandbox s;
  s.dot(".qmail-list-default", "|env > envout; cat > progin\n");
  Run r = s.run("joe-list-foo-bar", "-", "list-foo-bar");
  ck_assert_msg(r.code == 0, "%d %s", r.code, r.out.c_str());
  ck_assert(r.out == "did 0+0+1\n");
  ck_assert(read_file(s.home + "/progin") == kMessage);
  std::string env = read_file(s.home + "/envout");
  for (const char* want :
       {"USER=joe\n", "LOCAL=joe-list-foo-bar\n", "HOST=example.com\n",
        "RECIPIENT=joe-list-foo-bar@example.com\n", "SENDER=sender@remote.example\n",
        "NEWSENDER=sender@remote.example\n", "EXT=list-foo-bar\n", "EXT2=foo-bar\n", "EXT3=bar\n",
        "EXT4=\n", "HOST2=example\n", "HOST3=example\n", "DEFAULT=foo-bar\n",
        "DTLINE=Delivered-To: joe-list-foo-bar@example.com\n",
        "RPLINE=Return-Path: <sender@remote.example>\n", "UFLINE=From sender@remote.example "})
    ck_assert_msg(contains(env, want), "missing %s", want);
  ck_assert(contains(env, "HOME=" + s.home + "\n"));
}
END_TEST

START_TEST(program_exit_codes_decide_the_outcome) {
  Sandbox s;
  s.dot(".qmail", "|echo stopping; exit 99\n./Mailbox\n");
  Run r = s.run("joe", "", "");
  ck_assert_msg(r.code == 0, "%d %s", r.code, r.out.c_str());
  ck_assert(r.out == "stopping\ndid 0+0+1\n");
  ck_assert(read_file(s.home + "/Mailbox") == "<missing>");

  s.dot(".qmail", "|echo no such user; exit 100\n./Mailbox\n");
  r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 100);
  ck_assert(r.out == "no such user\n");
  ck_assert(read_file(s.home + "/Mailbox") == "<missing>");

  s.dot(".qmail", "|exit 111\n");
  ck_assert_int_eq(s.run("joe", "", "").code, 111);
  s.dot(".qmail", "|exit 64\n");
  ck_assert_int_eq(s.run("joe", "", "").code, 100);
  s.dot(".qmail", "|exit 3\n");
  ck_assert_int_eq(s.run("joe", "", "").code, 111);
  s.dot(".qmail", "|kill -9 $$\n");
  r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 111);
  ck_assert(contains(r.out, "child crashed"));
}
END_TEST

START_TEST(forward_goes_through_qmailqueue) {
  Sandbox s;
  s.dot(".qmail", "&one@far.example\ntwo@far.example\n|exit 99\nthree@far.example\n");
  Run r = s.run("joe", "", "");
  ck_assert_msg(r.code == 0, "%d %s", r.code, r.out.c_str());
  ck_assert(r.out.rfind("did 0+2+1\nqp ", 0) == 0);
  ck_assert(read_file(s.top + "/qq.msg") ==
            std::string("Delivered-To: joe@example.com\n") + kMessage);
  ck_assert(read_file(s.top + "/qq.env") == nul("Fsender@remote.example") +
                                                nul("Tone@far.example") + nul("Ttwo@far.example") +
                                                nul(""));
}
END_TEST

START_TEST(forward_uses_owner_as_sender) {
  Sandbox s;
  s.dot(".qmail-list", "&member@far.example\n");
  s.dot(".qmail-list-owner", "&boss@far.example\n");
  Run r = s.run("joe-list", "-", "list");
  ck_assert_msg(r.code == 0, "%d %s", r.code, r.out.c_str());
  ck_assert(contains(read_file(s.top + "/qq.env"), nul("Fjoe-list-owner@example.com")));
  s.dot(".qmail-list-owner-default", "&boss@far.example\n");
  r = s.run("joe-list", "-", "list");
  ck_assert_int_eq(r.code, 0);
  ck_assert(contains(read_file(s.top + "/qq.env"), nul("Fjoe-list-owner-@example.com-@[]")));
  // A bounce keeps its empty sender.
  r = s.run("joe-list", "-", "list", "");
  ck_assert_int_eq(r.code, 0);
  ck_assert(read_file(s.top + "/qq.env").rfind(std::string("F\0T", 3), 0) == 0);
}
END_TEST

START_TEST(forward_failure_of_qmail_queue_is_reported) {
  Sandbox s;
  write_file(s.top + "/qq", "#!/bin/sh\ncat >/dev/null; exit 31\n", 0755);
  s.dot(".qmail", "&x@far.example\n");
  Run r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 100);
  ck_assert(contains(r.out, "Unable to forward message: mail server permanently rejected"));
  write_file(s.top + "/qq", "#!/bin/sh\ncat >/dev/null; exit 53\n", 0755);
  ck_assert_int_eq(s.run("joe", "", "").code, 111);
}
END_TEST

START_TEST(extension_and_default_files) {
  Sandbox s;
  s.dot(".qmail-sales", "./sales\n");
  s.dot(".qmail-default", "./catchall\n");
  ck_assert_int_eq(s.run("joe-sales", "-", "Sales").code, 0);
  ck_assert(read_file(s.home + "/sales") != "<missing>");
  ck_assert(read_file(s.home + "/catchall") == "<missing>");
  ck_assert_int_eq(s.run("joe-other-thing", "-", "other-thing").code, 0);
  ck_assert(read_file(s.home + "/catchall") != "<missing>");
}
END_TEST

START_TEST(unknown_extension_bounces) {
  Sandbox s;
  s.dot(".qmail", "./Mailbox\n");
  Run r = s.run("joe-nobody", "-", "nobody");
  ck_assert_int_eq(r.code, 100);
  ck_assert(r.out == "Sorry, no mailbox here by that name. (#5.1.1)\n");
}
END_TEST

START_TEST(looping_message_bounces) {
  Sandbox s;
  s.dot(".qmail", "./Mailbox\n");
  Run r = s.run("joe", "", "", "s@x", "./Mailbox\n", "-N",
                "Received: x\nDelivered-To: joe@example.com\nSubject: s\n\nbody\n");
  ck_assert_int_eq(r.code, 100);
  ck_assert(
      contains(r.out, "This message is looping: it already has my Delivered-To line. (#5.4.6)"));
  ck_assert(read_file(s.home + "/Mailbox") == "<missing>");
  // The same line in the body is no loop.
  r = s.run("joe", "", "", "s@x", "./Mailbox\n", "-N",
            "Subject: s\n\nDelivered-To: joe@example.com\n");
  ck_assert_int_eq(r.code, 0);
}
END_TEST

START_TEST(sticky_home_defers) {
  Sandbox s;
  s.dot(".qmail", "./Mailbox\n");
  ck_assert_int_eq(::chmod(s.home.c_str(), 01755), 0);
  Run r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 111);
  ck_assert(contains(r.out, "Home directory is sticky: user is editing his .qmail file. (#4.2.1)"));
  ck_assert(read_file(s.home + "/Mailbox") == "<missing>");
  // -n only warns.
  r = s.run("joe", "", "", "s@x", "./Mailbox\n", "-n");
  ck_assert_int_eq(r.code, 0);
  ck_assert(contains(r.out, "Warning: home directory is sticky."));
}
END_TEST

START_TEST(writable_dot_qmail_defers) {
  Sandbox s;
  s.dot(".qmail", "./Mailbox\n", 0646);
  Run r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 111);
  ck_assert(contains(r.out, "Uh-oh: .qmail file is writable. (#4.7.0)"));
  ck_assert(read_file(s.home + "/Mailbox") == "<missing>");
  // conf-patrn 022 (configure's default): group-writable is refused too
  s.dot(".qmail", "./Mailbox\n", 0664);
  ck_assert_int_eq(s.run("joe", "", "").code, 111);
  ck_assert(read_file(s.home + "/Mailbox") == "<missing>");
  s.dot(".qmail", "./Mailbox\n", 0644);
  ck_assert_int_eq(::chmod(s.home.c_str(), 0775), 0);
  ck_assert_int_eq(s.run("joe", "", "").code, 111);
  ck_assert_int_eq(::chmod(s.home.c_str(), 0757), 0);
  s.dot(".qmail", "./Mailbox\n", 0644);
  ck_assert_int_eq(s.run("joe", "", "").code, 111);
}
END_TEST

START_TEST(bad_dot_qmail_files_defer) {
  Sandbox s;
  s.dot(".qmail", "\n./Mailbox\n");
  Run r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 111);
  ck_assert(r.out == "Uh-oh: first line of .qmail file is blank. (#4.2.1)\n");
  // The x bit allows forwards only; nothing is delivered before the refusal.
  s.dot(".qmail", "&a@far.example\n./Mailbox\n", 0744);
  r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 111);
  ck_assert(contains(r.out, "has file delivery but has x bit set"));
  s.dot(".qmail", "./Mailbox\n+list\n|cat\n");
  r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 111);
  ck_assert(contains(r.out, "has prog delivery but has x bit set"));
  ck_assert(read_file(s.home + "/Mailbox") == "<missing>");
}
END_TEST

START_TEST(dash_n_describes_without_delivering) {
  Sandbox s;
  s.dot(".qmail", "# c\n./Mailbox\n./Maildir/\n|cat\n&a@far.example\nb@far.example\n");
  Run r = s.run("joe", "", "", "s@x", "", "-n");
  ck_assert_int_eq(r.code, 0);
  ck_assert(r.out ==
            "mbox ./Mailbox\nmaildir ./Maildir/\nprogram cat\nforward a@far.example\n"
            "forward b@far.example\ndid 2+2+1\n");
  ck_assert(read_file(s.home + "/Mailbox") == "<missing>");
  ck_assert(read_file(s.top + "/qq.env") == "<missing>");
}
END_TEST

START_TEST(bad_usage_exits_100) {
  Sandbox s;
  Run r = s.run("joe", "", "", "s@x", "./Mailbox\n", "-x");
  ck_assert_int_eq(r.code, 100);
  ck_assert(contains(r.out, "usage: qmail-local"));
}
END_TEST

START_TEST(unwritable_mbox_defers) {
  Sandbox s;
  s.dot(".qmail", "./nodir/Mailbox\n");
  Run r = s.run("joe", "", "");
  ck_assert_int_eq(r.code, 111);
  ck_assert(contains(r.out, "Unable to open ./nodir/Mailbox: No such file or directory. (#4.2.1)"));
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_local");
  TCase* tc = tcase_create("helpers");
  tcase_add_test(tc, helpers_split_ext_and_host);
  tcase_add_test(tc, helpers_choose_new_sender);
  tcase_add_test(tc, helpers_detect_loops_in_header_only);
  tcase_add_test(tc, helpers_map_program_exit_codes);
  suite_add_tcase(s, tc);
  tc = tcase_create("binary");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, delivers_to_mbox_with_header_lines);
  tcase_add_test(tc, delivers_to_maildir);
  tcase_add_test(tc, missing_dot_qmail_uses_default_delivery);
  tcase_add_test(tc, program_gets_message_and_environment);
  tcase_add_test(tc, program_exit_codes_decide_the_outcome);
  tcase_add_test(tc, forward_goes_through_qmailqueue);
  tcase_add_test(tc, forward_uses_owner_as_sender);
  tcase_add_test(tc, forward_failure_of_qmail_queue_is_reported);
  tcase_add_test(tc, extension_and_default_files);
  tcase_add_test(tc, unknown_extension_bounces);
  tcase_add_test(tc, looping_message_bounces);
  tcase_add_test(tc, sticky_home_defers);
  tcase_add_test(tc, writable_dot_qmail_defers);
  tcase_add_test(tc, bad_dot_qmail_files_defer);
  tcase_add_test(tc, dash_n_describes_without_delivering);
  tcase_add_test(tc, bad_usage_exits_100);
  tcase_add_test(tc, unwritable_mbox_defers);
  suite_add_tcase(s, tc);
  return s;
}
