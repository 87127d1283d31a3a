// Unit tests for src/lib/queue (paths, the qmail-queue client) and
// src/lib/log (escaping of untrusted bytes).
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "io/writer.h"
#include "log/escape.h"
#include "queue/client.h"
#include "queue/paths.h"
#include "sys/open.h"

#include "check_main.h"
#include "check_tmp.h"  // includes check.h, whose macros clash with <ios>: keep it last

using namespace qmail;

namespace {
std::string temp_dir() { return check_tmp::make_dir("check_queue"); }
std::string slurp(const std::string& path) {
  std::string out;
  bool found = false;
  ck_assert(sys::read_file(path, out, 1 << 20, &found).ok());
  return found ? out : "<missing>";
}
// A stand-in qmail-queue that saves its fd 0 and fd 1 and exits with `code`.
std::string fake_queue(const std::string& dir, int code) {
  std::string path = dir + "/qq";
  std::string script = "#!/bin/sh\ncat > '" + dir + "/msg' && cat <&1 > '" + dir + "/env'\nexit " +
                       std::to_string(code) + "\n";
  ck_assert(sys::write_file_atomic(path, script, 0755).ok());
  return path;
}
}  // namespace

START_TEST(paths_split_only_the_split_directories) {
  ck_assert(queue::path(queue::Dir::kMess, 12345, 23) == "mess/17/12345");
  ck_assert(queue::path(queue::Dir::kInfo, 23, 23) == "info/0/23");
  ck_assert(queue::path(queue::Dir::kTodo, 12345, 23) == "todo/12345");
  ck_assert(queue::path(queue::Dir::kIntd, 7, 23) == "intd/7");
  ck_assert(queue::path(queue::Dir::kBounce, 7, 23) == "bounce/7");
  ck_assert(queue::path(queue::Dir::kRemote, 30, 1) == "remote/0/30");
}
END_TEST

START_TEST(client_sends_message_then_envelope) {
  signal(SIGPIPE, SIG_IGN);
  std::string d = temp_dir();
  setenv("QMAILQUEUE", fake_queue(d, 0).c_str(), 1);
  auto c = queue::Client::start(true);
  ck_assert(c.ok());
  (*c)->put("Subject: hi\n\nbody\n");
  (*c)->from("joe@example.org");
  (*c)->to("a@example.com");
  (*c)->to("b@example.net");
  ck_assert((*c)->finish().ok());
  ck_assert(slurp(d + "/msg") == "Subject: hi\n\nbody\n");
  ck_assert(slurp(d + "/env") ==
            std::string("Fjoe@example.org\0Ta@example.com\0Tb@example.net\0\0", 48));
  unsetenv("QMAILQUEUE");
}
END_TEST

START_TEST(client_maps_queue_exit_codes) {
  signal(SIGPIPE, SIG_IGN);
  std::string d = temp_dir();
  setenv("QMAILQUEUE", fake_queue(d, 31).c_str(), 1);
  auto c = queue::Client::start(true);
  (*c)->put("x\n");
  (*c)->from("");
  (*c)->to("a@b");
  auto st = (*c)->finish();
  ck_assert(!st.ok());
  ck_assert(!st.error().temporary());
  ck_assert(st.error().what == "mail server permanently rejected message (#5.3.0)");
  setenv("QMAILQUEUE", fake_queue(d, 53).c_str(), 1);
  c = queue::Client::start(true);
  (*c)->from("");
  st = (*c)->finish();
  ck_assert(!st.ok());
  ck_assert(st.error().temporary());
  ck_assert(st.error().what == "qq write error or disk full (#4.3.0)");
  setenv("QMAILQUEUE", (d + "/does-not-exist").c_str(), 1);
  c = queue::Client::start(true);
  (*c)->from("");
  st = (*c)->finish();
  ck_assert(st.error().what == "unable to exec qq (#4.3.0)");
  unsetenv("QMAILQUEUE");
}
END_TEST

START_TEST(escape_replaces_control_and_high_bytes) {
  ck_assert(log::escape("plain text") == "plain text");
  ck_assert(log::escape(std::string("a\nb\rc\0d\x7f\xc3\xa9", 10)) == "a?b?c?d???");
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("queue");
  TCase* tc = tcase_create("paths");
  tcase_add_test(tc, paths_split_only_the_split_directories);
  suite_add_tcase(s, tc);
  tc = tcase_create("client");
  tcase_add_test(tc, client_sends_message_then_envelope);
  tcase_add_test(tc, client_maps_queue_exit_codes);
  suite_add_tcase(s, tc);
  tc = tcase_create("log");
  tcase_add_test(tc, escape_replaces_control_and_high_bytes);
  suite_add_tcase(s, tc);
  return s;
}
