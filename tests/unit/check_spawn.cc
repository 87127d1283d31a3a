// Unit tests for src/lib/queue/spawn (the driver both spawns run) and the
// reports of qmail-lspawn and qmail-rspawn.  The driver runs in the test
// process, reading requests from a file and writing reports to another; each
// delivery is /bin/sh -c <sender>, so a request says what its child does.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

// after the standard headers: Check defines a macro named fail
#include <check.h>

#include "base/fd.h"
#include "check_main.h"
#include "io/reader.h"
#include "io/writer.h"
#include "qmail-lspawn/lspawn.h"
#include "qmail-rspawn/rspawn.h"
#include "queue/spawn.h"
#include "sys/open.h"

using namespace qmail;
using queue::SpawnRequest;

namespace {
struct Sandbox {
  std::string dir;
  Sandbox() {
    char tmpl[] = "/tmp/check_spawn.XXXXXX";
    ck_assert(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    ck_assert_int_eq(::mkdir((dir + "/1").c_str(), 0700), 0);
    ck_assert(sys::write_file_atomic(dir + "/1/100", "Subject: hi\n\nbody\n", 0600).ok());
  }
  ~Sandbox() { (void)!std::system(("rm -rf " + dir).c_str()); }
};

std::string request(unsigned slot, std::string_view mess, std::string_view sender,
                    std::string_view rcpt) {
  std::string r(1, static_cast<char>(slot));
  r.append(mess).push_back('\0');
  r.append(sender).push_back('\0');
  r.append(rcpt).push_back('\0');
  return r;
}

class TestReport : public queue::SpawnReport {
 public:
  void feed(std::string_view b) override { text_.feed(b); }
  std::string finish(const sys::ExitStatus& st) override {
    return lspawn::local_report(st, text_.text());
  }

 private:
  queue::BoundedText text_;
};

struct Outcome {
  bool ok = false;
  int limit_byte = -1;
  std::vector<std::pair<unsigned, std::string>> reports;  // in the order written
  std::map<unsigned, std::string> by_slot;
  double seconds = 0;
};

// Runs the driver over `input`, limit `limit`, and decodes what it wrote.
// With `batch`, requests with the same sender (the shell command) go to one
// child, which gets the recipients as $1, $2 ...; reports are qmail-remote's.
Outcome drive(const Sandbox& box, const std::string& input, unsigned limit, unsigned linger = 10,
              bool batch = false) {
  std::string in_path = box.dir + "/in", out_path = box.dir + "/out";
  ck_assert(sys::write_file_atomic(in_path, input, 0600).ok());
  auto in = sys::open_read(in_path);
  auto out = sys::open_trunc(out_path, 0600);
  ck_assert(in.ok() && out.ok());
  queue::SpawnConfig config;
  config.program = "qmail-testspawn";
  config.limit = limit;
  config.mess_dir = box.dir;
  config.message_owner = ::geteuid();
  config.linger_seconds = linger;
  queue::SpawnOps ops;
  ops.child = [](const SpawnRequest& req) {
    sys::exec_path("/bin/sh", {"sh", "-c", req.sender});
    return 111;
  };
  ops.make_report = [] { return std::make_unique<TestReport>(); };
  if (batch) {
    ops.make_report = [] { return std::make_unique<rspawn::RemoteReport>(); };
    ops.batch_key = [](const SpawnRequest& req) { return req.message + '\n' + req.sender; };
    ops.child_batch = [](const std::vector<SpawnRequest>& group) {
      std::vector<std::string> argv = {"sh", "-c", group.front().sender, "sh"};
      for (const auto& r : group) argv.push_back(r.recipient);
      sys::exec_path("/bin/sh", argv);
      return 111;
    };
  }
  auto t0 = std::chrono::steady_clock::now();
  Outcome o;
  o.ok = queue::run_spawn(in->get(), out->get(), config, ops).ok();
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string bytes;
  ck_assert(sys::read_file(out_path, bytes, 1 << 24, nullptr).ok());
  ck_assert(!bytes.empty());
  o.limit_byte = static_cast<unsigned char>(bytes[0]);
  std::size_t i = 1;
  while (i < bytes.size()) {
    unsigned slot = static_cast<unsigned char>(bytes[i]);
    auto nul = bytes.find('\0', i + 1);
    ck_assert_msg(nul != std::string::npos, "report without NUL");
    std::string text = bytes.substr(i + 1, nul - i - 1);
    o.reports.emplace_back(slot, text);
    ck_assert_msg(o.by_slot.emplace(slot, text).second, "slot reported twice");
    i = nul + 1;
  }
  return o;
}

sys::ExitStatus exited(int code) { return {true, code, 0}; }
sys::ExitStatus killed(int sig) { return {false, 0, sig}; }

std::string remote(std::string_view output, sys::ExitStatus st = {true, 0, 0},
                   bool bytewise = false) {
  rspawn::RemoteReport r;
  if (bytewise) {
    for (char c : output) r.feed(std::string_view(&c, 1));
  } else {
    r.feed(output);
  }
  return r.finish(st);
}
}  // namespace

START_TEST(announces_its_limit_and_maps_exit_codes) {
  Sandbox box;
  std::string in = request(0, "1/100", "echo delivered; exit 0", "joe@example.org") +
                   request(1, "1/100", "echo no such user; exit 100", "joe@example.org") +
                   request(2, "1/100", "echo disk full; exit 111", "joe@example.org") +
                   request(3, "1/100", "kill -9 $$", "joe@example.org") +
                   request(4, "1/100", "exit 75", "joe@example.org") +
                   request(5, "1/100", "echo odd >&2; exit 3", "joe@example.org");
  Outcome o = drive(box, in, 6);
  ck_assert(o.ok);
  ck_assert_int_eq(o.limit_byte, 6);
  ck_assert_uint_eq(o.reports.size(), 6u);
  ck_assert_str_eq(o.by_slot[0].c_str(), "Kdelivered\n");
  ck_assert_str_eq(o.by_slot[1].c_str(), "Dno such user\n");
  ck_assert_str_eq(o.by_slot[2].c_str(), "Zdisk full\n");
  ck_assert_str_eq(o.by_slot[3].c_str(), "ZUh-oh: qmail-local crashed.\n");
  ck_assert_str_eq(o.by_slot[4].c_str(), "Z");
  ck_assert_str_eq(o.by_slot[5].c_str(), "Dodd\n");
}
END_TEST

START_TEST(child_gets_the_message_on_fd_0) {
  Sandbox box;
  Outcome o = drive(box, request(0, "1/100", "head -n 1", "joe@example.org"), 1);
  ck_assert(o.ok);
  ck_assert_str_eq(o.by_slot[0].c_str(), "KSubject: hi\n");
}
END_TEST

START_TEST(long_output_is_truncated_and_never_blocks_the_child) {
  Sandbox box;
  Outcome o = drive(box,
                    request(0, "1/100", "head -c 300000 /dev/zero | tr '\\0' a; exit 0", "j@x") +
                        request(1, "1/100", "printf 'before\\0after'", "j@x"),
                    2);
  ck_assert(o.ok);
  const std::string& r = o.by_slot[0];
  ck_assert_uint_le(r.size(), queue::kMaxSpawnReportText + 40);
  ck_assert(r.rfind("Kaaaa", 0) == 0);
  ck_assert(r.find("Error report too long") != std::string::npos);
  ck_assert_str_eq(o.by_slot[1].c_str(), "Kbefore");  // nothing after a NUL
}
END_TEST

START_TEST(runs_many_children_at_once) {
  Sandbox box;
  std::string in;
  const unsigned n = 60;
  for (unsigned i = 0; i < n; ++i)
    in += request(i, "1/100", "sleep 1; echo " + std::to_string(i), "j@x");
  Outcome o = drive(box, in, n);
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), n);
  for (unsigned i = 0; i < n; ++i) ck_assert(o.by_slot[i] == "K" + std::to_string(i) + "\n");
  ck_assert_msg(o.seconds < 15, "deliveries ran one after another (%.1f s)", o.seconds);
}
END_TEST

START_TEST(a_slow_child_does_not_hold_up_a_quick_one) {
  Sandbox box;
  Outcome o = drive(
      box,
      request(0, "1/100", "sleep 2; echo slow", "j@x") + request(1, "1/100", "echo quick", "j@x"),
      2);
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), 2u);
  ck_assert_uint_eq(o.reports[0].first, 1u);
  ck_assert_uint_eq(o.reports[1].first, 0u);
}
END_TEST

// Reads from `fd` until `want` bytes or end of input, for at most 10 seconds.
std::string read_some(int fd, std::size_t want) {
  std::string got;
  for (int rounds = 0; rounds < 100 && got.size() < want; ++rounds) {
    auto ready = io::wait_ready(fd, false, 10);
    ck_assert(ready.ok() && *ready);
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ck_assert(n >= 0);
    if (n == 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

START_TEST(slots_are_reused_and_end_of_input_ends_the_spawn) {
  Sandbox box;
  auto to = make_pipe();
  auto from = make_pipe();
  ck_assert(to.ok() && from.ok());
  pid_t pid = ::fork();
  ck_assert(pid >= 0);
  if (pid == 0) {
    to->write.reset();
    from->read.reset();
    queue::SpawnConfig config;
    config.limit = 1;
    config.mess_dir = box.dir;
    queue::SpawnOps ops;
    ops.child = [](const SpawnRequest& req) {
      sys::exec_path("/bin/sh", {"sh", "-c", req.sender});
      return 111;
    };
    ops.make_report = [] { return std::make_unique<TestReport>(); };
    ::_exit(queue::run_spawn(to->read.get(), from->write.get(), config, ops).ok() ? 0 : 1);
  }
  to->read.reset();
  from->write.reset();
  ck_assert(read_some(from->read.get(), 1) == std::string(1, '\1'));
  for (int round = 0; round < 3; ++round) {
    std::string text = "round" + std::to_string(round);
    ck_assert(io::write_all(to->write.get(), request(0, "1/100", "echo " + text, "j@x")).ok());
    std::string want = std::string(1, '\0') + "K" + text + "\n" + std::string(1, '\0');
    ck_assert(read_some(from->read.get(), want.size()) == want);
  }
  // qmail-send goes away while a delivery runs: it is still reported, then the spawn exits 0.
  ck_assert(io::write_all(to->write.get(), request(0, "1/100", "sleep 1; echo last", "j@x")).ok());
  to->write.reset();
  std::string rest = read_some(from->read.get(), 1000);
  ck_assert(rest == std::string(1, '\0') + "Klast\n" + std::string(1, '\0'));
  auto st = sys::wait_for(pid);
  ck_assert(st.ok() && st->exited && st->code == 0);
}
END_TEST

START_TEST(bad_requests_get_reports_without_a_child) {
  Sandbox box;
  std::string in =
      request(0, "1/100", "exit 0", "no-at-sign") + request(1, "1/1x0", "exit 0", "j@x") +
      request(2, "", "exit 0", "j@x") + request(3, "/1", "exit 0", "j@x") +
      request(4, "1/999", "exit 0", "j@x") +
      request(5, "1/100", "exit 0", std::string(queue::kMaxSpawnAddress + 1, 'a') + "@x") +
      request(6, "1", "exit 0", "j@x");
  Outcome o = drive(box, in, 7);
  ck_assert(o.ok);
  ck_assert_str_eq(o.by_slot[0].c_str(), "DSorry, address must include host name. (#5.1.3)\n");
  ck_assert(o.by_slot[1].rfind("DInternal error: messid has nonnumerics", 0) == 0);
  ck_assert(o.by_slot[2].rfind("DInternal error: messid too short", 0) == 0);
  ck_assert(o.by_slot[3].rfind("DInternal error: messid has nonnumerics", 0) == 0);
  ck_assert_str_eq(o.by_slot[4].c_str(), "Zqmail-testspawn unable to open message. (#4.3.0)\n");
  ck_assert(o.by_slot[5].rfind("DSorry, address or message name too long", 0) == 0);
  ck_assert_str_eq(o.by_slot[6].c_str(), "ZSorry, message has wrong type. (#4.3.5)\n");
}
END_TEST

START_TEST(slot_out_of_range_or_in_use_is_a_protocol_error) {
  Sandbox box;
  Outcome o = drive(
      box, request(0, "1/100", "sleep 1; echo done", "j@x") + request(5, "1/100", "", "j@x"), 2);
  ck_assert(!o.ok);
  ck_assert_str_eq(o.by_slot[0].c_str(), "Kdone\n");  // what ran is still reported
  ck_assert_uint_eq(o.reports.size(), 1u);
  o = drive(box, request(1, "1/100", "sleep 1", "j@x") + request(1, "1/100", "", "j@x"), 2);
  ck_assert(!o.ok);
  ck_assert_uint_eq(o.reports.size(), 1u);
}
END_TEST

START_TEST(a_partial_request_at_end_of_input_is_dropped) {
  Sandbox box;
  std::string in = request(0, "1/100", "exit 0", "j@x") + std::string(
                                                              "\1"
                                                              "1/100\0exit 0",
                                                              13);
  Outcome o = drive(box, in, 2);
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), 1u);
}
END_TEST

START_TEST(output_held_open_by_a_grandchild_ends_after_the_grace_period) {
  Sandbox box;
  Outcome o = drive(box, request(0, "1/100", "echo bye; sleep 4 & exit 0", "j@x"), 1, 1);
  ck_assert(o.ok);
  ck_assert_str_eq(o.by_slot[0].c_str(), "Kbye\n");
  ck_assert_msg(o.seconds < 3.5, "waited for the grandchild (%.1f s)", o.seconds);
}
END_TEST

START_TEST(local_report_maps_as_qmail_lspawn) {
  ck_assert(lspawn::local_report(exited(0), "ok") == "Kok");
  ck_assert(lspawn::local_report(exited(99), "x") == "Dx");
  ck_assert(lspawn::local_report(exited(100), "") == "D");
  for (int code : {111, 71, 74, 75}) ck_assert(lspawn::local_report(exited(code), "t") == "Zt");
  ck_assert(lspawn::local_report(killed(11), "t") == "ZUh-oh: qmail-local crashed.\n");
}
END_TEST

START_TEST(bounded_text_notes_truncation) {
  queue::BoundedText t(5);
  t.feed("abc");
  t.feed("defgh");
  ck_assert(t.text() == "abcde\nError report too long, sorry.\n");
  queue::BoundedText u(5);
  u.feed("abcde");
  ck_assert(u.text() == "abcde");
}
END_TEST

START_TEST(requests_that_arrive_together_share_one_child) {
  Sandbox box;
  std::string runs = box.dir + "/runs";
  std::string three =
      "echo $# >> " + runs + "; printf 'r\\0h550 no %s\\0s451 later\\0KDone.\\0' \"$2\"";
  std::string one = "echo $# >> " + runs + "; printf 'r\\0KOk.\\0'";
  std::string in = request(0, "1/100", three, "a@x") + request(1, "1/100", three, "b@x") +
                   request(2, "1/100", one, "c@y") + request(3, "1/100", three, "d@x");
  Outcome o = drive(box, in, 10, 10, true);
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), 4);
  ck_assert(o.by_slot[0] == "KDone.");
  ck_assert(o.by_slot[1] == "D550 no b@x");
  ck_assert(o.by_slot[3] == "Z451 later");
  ck_assert(o.by_slot[2] == "KOk.");
  std::string counts;
  ck_assert(sys::read_file(runs, counts, 1000, nullptr).ok());
  // a group of one runs ops.child, which passes no arguments ($# is 0)
  ck_assert_msg(counts == "3\n0\n" || counts == "0\n3\n", "children: %s", counts.c_str());
}
END_TEST

START_TEST(remote_report_splits_a_batch) {
  auto batch = [](std::string_view output, std::size_t n, sys::ExitStatus st = {true, 0, 0}) {
    rspawn::RemoteReport r;
    r.feed(output);
    return r.finish_batch(n, st);
  };
  auto v = batch(std::string("r\0hNo.\0sLater.\0KDone.\0", 23), 3);
  ck_assert_uint_eq(v.size(), 3);
  ck_assert(v[0] == "KDone." && v[1] == "DNo." && v[2] == "ZLater.");
  v = batch(std::string("ZConnection refused.\0", 21), 3);  // no recipient records
  ck_assert(v.size() == 3 && v[2] == "ZConnection refused.");
  v = batch(std::string("r\0r\0ZLost.\0", 12), 2);
  ck_assert(v[0] == "ZLost." && v[1] == "ZLost.");
  v = batch(std::string("r\0h", 3), 3);  // cut short: nobody is lost
  ck_assert(v[0][0] == 'D' || v[0][0] == 'Z');
  ck_assert(v[1][0] == 'Z' && v[2][0] == 'Z');
  v = batch("rx", 2, {false, 0, 9});
  ck_assert(v.size() == 2 && v[1] == "Zqmail-remote crashed.\n");
  ck_assert(rspawn::batch_key({0, "1/2", "s@x", "a@Example.COM", 1}) ==
            rspawn::batch_key({1, "1/2", "s@x", "b@example.com", 1}));
  ck_assert(rspawn::batch_key({0, "1/2", "s@x", "a@x", 1}) !=
            rspawn::batch_key({1, "1/3", "s@x", "b@x", 1}));
}
END_TEST

START_TEST(remote_report_translates_qmail_remote) {
  for (bool bytewise : {false, true}) {
    ck_assert(remote(std::string("rAccepted.\0KDone.\0", 18), exited(0), bytewise) ==
              "KAccepted.Done.");
    ck_assert(remote(std::string("hNo such user.\0DGiving up.\0", 27), exited(0), bytewise) ==
              "DNo such user.Giving up.");
    ck_assert(remote(std::string("sTry later.\0KDone.\0", 19), exited(0), bytewise) ==
              "ZTry later.");
    ck_assert(remote(std::string("rAccepted.\0ZLost connection.\0", 29), exited(0), bytewise) ==
              "ZAccepted.Lost connection.");
    ck_assert(remote(std::string("ZConnection refused.\0", 21), exited(0), bytewise) ==
              "ZConnection refused.");
    ck_assert(remote(std::string("DNo host.\0", 10), exited(0), bytewise) == "DNo host.");
    ck_assert(remote(std::string("rAccepted.\0", 11), exited(0), bytewise) == "DAccepted.");
  }
  ck_assert(remote("", exited(0)) == "Zqmail-remote produced no output.\n");
  ck_assert(remote("rx", exited(111)) == "ZUnable to run qmail-remote.\n");
  ck_assert(remote("rx", exited(100)) == "DUnable to run qmail-remote.\n");
  ck_assert(remote("rx", killed(9)) == "Zqmail-remote crashed.\n");
  std::string huge = "r" + std::string(100000, 'y') + std::string("\0KDone.\0", 8);
  std::string r = remote(huge);
  ck_assert_uint_le(r.size(), 2 * queue::kMaxSpawnReportText + 10);
  ck_assert(r.rfind("Kyyy", 0) == 0);
  ck_assert(r.size() > 5 && r.substr(r.size() - 5) == "Done.");
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("spawn");
  TCase* tc = tcase_create("run_spawn");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, announces_its_limit_and_maps_exit_codes);
  tcase_add_test(tc, child_gets_the_message_on_fd_0);
  tcase_add_test(tc, long_output_is_truncated_and_never_blocks_the_child);
  tcase_add_test(tc, runs_many_children_at_once);
  tcase_add_test(tc, a_slow_child_does_not_hold_up_a_quick_one);
  tcase_add_test(tc, slots_are_reused_and_end_of_input_ends_the_spawn);
  tcase_add_test(tc, bad_requests_get_reports_without_a_child);
  tcase_add_test(tc, slot_out_of_range_or_in_use_is_a_protocol_error);
  tcase_add_test(tc, a_partial_request_at_end_of_input_is_dropped);
  tcase_add_test(tc, output_held_open_by_a_grandchild_ends_after_the_grace_period);
  tcase_add_test(tc, requests_that_arrive_together_share_one_child);
  suite_add_tcase(s, tc);
  tc = tcase_create("reports");
  tcase_add_test(tc, local_report_maps_as_qmail_lspawn);
  tcase_add_test(tc, bounded_text_notes_truncation);
  tcase_add_test(tc, remote_report_translates_qmail_remote);
  tcase_add_test(tc, remote_report_splits_a_batch);
  suite_add_tcase(s, tc);
  return s;
}
