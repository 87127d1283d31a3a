// Unit tests for src/lib/queue/spawn (the driver both spawns run) and the
// reports of qmail-lspawn and qmail-rspawn.  The driver runs in the test
// process, reading requests from a file and writing reports to another; each
// delivery is /bin/sh -c <sender>, so a request says what its child does.
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/fd.h"
#include "io/reader.h"
#include "io/writer.h"
#include "qmail-lspawn/lspawn.h"
#include "qmail-rspawn/rspawn.h"
#include "queue/spawn.h"
#include "queue/worker.h"
#include "sys/open.h"
#include "sys/sig.h"

// last: Check defines a macro named fail
#include <check.h>

#include "check_main.h"

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

// Runs the driver over `input` with `config` and `ops`, and decodes what it wrote.
Outcome drive_with(const Sandbox& box, const std::string& input, const queue::SpawnConfig& config,
                   const queue::SpawnOps& ops) {
  std::string in_path = box.dir + "/in", out_path = box.dir + "/out";
  ck_assert(sys::write_file_atomic(in_path, input, 0600).ok());
  auto in = sys::open_read(in_path);
  auto out = sys::open_trunc(out_path, 0600);
  ck_assert(in.ok() && out.ok());
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

// Runs the driver over `input`, limit `limit`, and decodes what it wrote.
// With `batch`, requests with the same sender (the shell command) go to one
// child, which gets the recipients as $1, $2 ...; reports are qmail-remote's.
Outcome drive(const Sandbox& box, const std::string& input, unsigned limit, unsigned linger = 10,
              bool batch = false) {
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
  return drive_with(box, input, config, ops);
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

namespace {
std::vector<std::string> paired(std::string_view output, std::size_t n,
                                sys::ExitStatus st = {true, 0, 0}, bool bytewise = false) {
  rspawn::RemoteReport r(queue::kMaxSpawnReportText, 2 * n + 1, true);
  if (bytewise) {
    for (char c : output) r.feed(std::string_view(&c, 1));
  } else {
    r.feed(output);
  }
  return r.finish_batch(n, st);
}

// Records as qmail-remote writes them, each ended by a NUL.
std::string records(std::initializer_list<std::string_view> list) {
  std::string out;
  for (std::string_view r : list) {
    out.append(r);
    out.push_back('\0');
  }
  return out;
}

const char* const kIncomplete = "Zqmail-remote produced incomplete output.\n";
}  // namespace

START_TEST(remote_report_pairs_each_recipient_with_its_transaction) {
  for (bool bytewise : {false, true}) {
    std::string out = records({"rA.", "KDone 1.",             // accepted, transaction 1
                               "hNo such user.", "KDone 1.",  // refused in a good transaction
                               "s451 Later.", "KDone 2.",     // deferred in another
                               "r", "ZLost.",                 // accepted, transaction lost
                               "h", "DRefused.",              // refused with its transaction
                               "r", "DRefused.",              // accepted, then data refused
                               "s", "ZLater."});
    auto v = paired(out, 7, {true, 0, 0}, bytewise);
    ck_assert_uint_eq(v.size(), 7);
    const char* want[] = {"KA.Done 1.", "DNo such user.", "Z451 Later.", "ZLost.",
                          "DRefused.",  "DRefused.",      "ZLater."};
    for (std::size_t i = 0; i < 7; ++i)
      ck_assert_msg(v[i] == want[i], "%zu (bytewise %d): %s", i, bytewise, v[i].c_str());
  }
  // read unpaired, the second message record would be everyone's
  rspawn::RemoteReport unpaired;
  unpaired.feed(records({"r", "KDone 1.", "r", "ZLost."}));
  auto v = unpaired.finish_batch(2, {true, 0, 0});
  ck_assert(v[0] != "KDone 1.");
  v = paired(records({"r", "KDone 1.", "r", "ZLost."}), 2);
  ck_assert(v[0] == "KDone 1." && v[1] == "ZLost.");
}
END_TEST

START_TEST(remote_report_paired_message_record_first_is_everyones) {
  auto v = paired(records({"ZConnection refused."}), 3);
  ck_assert_uint_eq(v.size(), 3);
  for (const std::string& r : v) ck_assert_str_eq(r.c_str(), "ZConnection refused.");
  v = paired(records({"DNo recipients."}), 2);
  ck_assert(v[0] == "DNo recipients." && v[1] == "DNo recipients.");
  // whatever follows a leading message record
  v = paired(records({"KDone.", "h", "DRefused."}), 2);
  ck_assert(v[0] == "KDone." && v[1] == "KDone.");
}
END_TEST

START_TEST(remote_report_paired_incomplete_pairs_fail_alone) {
  // a pair whose recipient record is a message record, and one of two recipient records
  auto v = paired(
      records({"rA.", "KDone.", "KX.", "KY.", "s", "ZLater.", "r", "s", "hNo.", "DRefused."}), 5);
  ck_assert_uint_eq(v.size(), 5);
  ck_assert_str_eq(v[0].c_str(), "KA.Done.");
  ck_assert_str_eq(v[1].c_str(), kIncomplete);
  ck_assert_str_eq(v[2].c_str(), "ZLater.");
  ck_assert_str_eq(v[3].c_str(), kIncomplete);
  ck_assert_str_eq(v[4].c_str(), "DNo.Refused.");
  // fewer pairs than recipients: the ones left out
  v = paired(records({"r", "KDone."}), 3);
  ck_assert(v[0] == "KDone." && v[1] == kIncomplete && v[2] == kIncomplete);
}
END_TEST

START_TEST(remote_report_paired_truncated_reply) {
  std::string whole = records({"r", "KDone.", "h550 No.", "DRefused."});
  // cut at every point: the first pair stands once whole, the second never does until the end
  for (std::size_t cut = 1; cut < whole.size(); ++cut) {
    auto v = paired(std::string_view(whole).substr(0, cut), 2);
    ck_assert_uint_eq(v.size(), 2);
    bool first = cut >= std::string_view("r\0KDone.\0", 9).size();
    ck_assert_msg(v[0] == (first ? "KDone." : kIncomplete), "cut %zu: %s", cut, v[0].c_str());
    ck_assert_msg(v[1] == kIncomplete, "cut %zu: %s", cut, v[1].c_str());
  }
  auto v = paired(whole, 2);
  ck_assert(v[0] == "KDone." && v[1] == "D550 No.Refused.");
  // a crash or a refusal to run still speaks for everyone
  v = paired(whole, 2, {false, 0, 9});
  ck_assert(v[0] == "Zqmail-remote crashed.\n" && v[1] == "Zqmail-remote crashed.\n");
  v = paired("", 2);
  ck_assert(v[0] == "Zqmail-remote produced no output.\n" && v[1] == v[0]);
}
END_TEST

START_TEST(worker_batch_key_ignores_the_domain) {
  SpawnRequest a{0, "1/2", "s@x", "a@Example.COM", 1};
  SpawnRequest b{1, "1/2", "s@x", "b@other.example", 1};
  SpawnRequest c{2, "1/2", "s@x", "c@example.com", 1};
  SpawnRequest other_sender{3, "1/2", "t@x", "a@Example.COM", 1};
  SpawnRequest other_message{4, "1/3", "s@x", "a@Example.COM", 1};
  ck_assert(rspawn::worker_batch_key(a) == rspawn::worker_batch_key(b));
  ck_assert(rspawn::batch_key(a) != rspawn::batch_key(b));
  ck_assert(rspawn::batch_key(a) == rspawn::batch_key(c));
  ck_assert(rspawn::worker_batch_key(a) != rspawn::worker_batch_key(other_sender));
  ck_assert(rspawn::worker_batch_key(a) != rspawn::worker_batch_key(other_message));
  ck_assert(rspawn::batch_key(a) != rspawn::batch_key(other_sender));
  // the sender and the message cannot run into each other
  SpawnRequest d{5, "1/2", "", "a@x", 1}, e{6, "1/", "2", "a@x", 1};
  ck_assert(rspawn::worker_batch_key(d) != rspawn::worker_batch_key(e));
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

// Long-lived workers (SpawnOps::worker).  The fake worker below runs in the
// forked worker process without an exec.  It answers each job with
// "pid <its pid> mess <the message's first line> <args after the first>", or,
// by the job's first argument (the request's sender), misbehaves.
namespace {

// Sends `bytes` on fd 0 in one write, so the spawn reads them all at once.
void write_raw(std::string_view bytes) { (void)!::write(0, bytes.data(), bytes.size()); }

// A reply's 4-byte length, in network order.
std::string length_header(std::size_t len) {
  auto n = static_cast<std::uint32_t>(len);
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
          static_cast<char>(n)};
}

std::string first_line(int fd) {
  char buf[200];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  std::string s(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  return s.substr(0, s.find('\n'));
}

int fake_worker() {
  // An exec would have closed the spawn's other descriptors (all close-on-exec),
  // among them the other workers' sockets, whose end of file they wait for;
  // and reset the test runner's SIGTERM handler, which kills the whole test.
  for (int fd = 3; fd < 1024; ++fd) ::close(fd);
  sys::default_signal(SIGTERM);
  for (int jobs = 0; jobs < 10000; ++jobs) {
    auto job = queue::receive_worker_job(0);
    if (!job.ok()) return 111;
    if (!job->has_value()) return 0;  // the spawn let this worker go
    const queue::WorkerJob& j = **job;
    std::string what = j.args.empty() ? "" : j.args[0];
    std::string text = "pid " + std::to_string(::getpid()) + " mess " + first_line(j.message.get());
    for (std::size_t i = 1; i < j.args.size(); ++i) text += " " + j.args[i];
    if (what == "crash") ::_exit(3);
    if (what == "garbage") {
      // "garb" is a length of 1.7 GB; then this worker no longer listens, so
      // only the spawn's SIGTERM ends it soon
      write_raw("garbage\n");
      for (int i = 0; i < 200; ++i) ::usleep(100 * 1000);
      return 0;
    }
    if (what == "oversize") {
      write_raw(length_header(queue::kMaxWorkerReply + 1));
      continue;
    }
    if (what == "extra") {
      write_raw(length_header(text.size()) + text + "x");
      continue;
    }
    if (what == "slow") ::sleep(1);
    if (what.rfind("paired", 0) == 0) {
      // a reply to a job without a host (qmail-remote --worker): per recipient,
      // its record, naming the job's recipients, then its transaction's message
      // record, whose letter the domain's first letter picks (x K, y Z, z D)
      std::string job = "[";
      for (std::size_t i = 1; i < j.args.size(); ++i) job += (i > 1 ? " " : "") + j.args[i];
      job += " pid " + std::to_string(::getpid()) + "]";
      text.clear();
      for (std::size_t i = 1; i < j.args.size(); ++i) {
        std::string domain = j.args[i].substr(j.args[i].rfind('@') + 1);
        char letter = domain[0] == 'y' ? 'Z' : domain[0] == 'z' ? 'D' : 'K';
        text += "r" + job + '\0' + letter + "tx " + domain + '\0';
      }
    }
    if (what == "remote") {
      // qmail-remote's report: one record per recipient, then the message's
      std::string report;
      for (std::size_t i = 1; i < j.args.size(); ++i)
        report += "rok " + j.args[i] + " pid " + std::to_string(::getpid()) + '\0';
      text = report + "KDone." + '\0';
    }
    if (!queue::send_worker_reply(0, text).ok()) return 111;
    if (what == "quit") return 0;  // between jobs, without being asked to
    if (what == "chatty") {
      ::usleep(300 * 1000);
      write_raw("unasked");  // between jobs: out of turn
    }
  }
  return 0;
}

queue::SpawnConfig worker_config(const Sandbox& box, unsigned limit) {
  queue::SpawnConfig config;
  config.program = "qmail-testspawn";
  config.limit = limit;
  config.mess_dir = box.dir;
  config.message_owner = ::geteuid();
  return config;
}

// Workers for every request; with `batch`, requests for one message from one
// sender go to a worker together and reports are qmail-remote's.  The child
// (used when no worker could take a request) says so.
queue::SpawnOps worker_ops(bool batch) {
  queue::SpawnOps ops;
  ops.child = [](const SpawnRequest&) {
    (void)!::write(1, "child\n", 6);
    return 0;
  };
  ops.make_report = [] { return std::make_unique<TestReport>(); };
  if (batch) {
    ops.make_report = [] { return std::make_unique<rspawn::RemoteReport>(); };
    ops.batch_key = [](const SpawnRequest& req) { return req.message + '\n' + req.sender; };
    ops.child_batch = [](const std::vector<SpawnRequest>&) {
      (void)!::write(1, "child\n", 6);
      return 0;
    };
  }
  ops.worker = fake_worker;
  ops.worker_args = [](const std::vector<SpawnRequest>& group) {
    std::vector<std::string> args = {group.front().sender};
    for (const SpawnRequest& r : group) args.push_back(r.recipient);
    return args;
  };
  ops.affinity = [](const SpawnRequest& req) { return std::string(req.domain()); };
  return ops;
}

// A one-shot child for a group: qmail-remote's report, each recipient's
// record naming the group's recipients ("child [a@x b@x]"), then "KDone.".
int child_report(const std::vector<SpawnRequest>& group) {
  std::string list;
  for (const SpawnRequest& r : group) list += (list.empty() ? "" : " ") + r.recipient;
  std::string out;
  for (std::size_t i = 0; i < group.size(); ++i) out += "rchild [" + list + "]" + '\0';
  out += "KDone.";
  out.push_back('\0');
  (void)!::write(1, out.data(), out.size());
  return 0;
}

// The ops qmail-rspawn sets up: its batch keys (a worker job per message and
// sender, a child per message, sender and domain), qmail-remote's reports,
// paired ones for workers.  A job whose sender is "huge" is too big for a
// worker.
queue::SpawnOps rspawn_ops() {
  queue::SpawnOps ops = worker_ops(false);
  ops.make_report = [] { return std::make_unique<rspawn::RemoteReport>(); };
  ops.make_worker_report = [] {
    return std::make_unique<rspawn::RemoteReport>(queue::kMaxSpawnReportText, 201, true);
  };
  ops.batch_key = rspawn::batch_key;
  ops.worker_batch_key = rspawn::worker_batch_key;
  ops.child = [](const SpawnRequest& req) { return child_report({req}); };
  ops.child_batch = child_report;
  ops.worker_args = [](const std::vector<SpawnRequest>& group) {
    std::vector<std::string> args = {group.front().sender};
    if (args[0] == "huge") args[0].append(queue::kMaxWorkerJob, 'h');
    for (const SpawnRequest& r : group) args.push_back(r.recipient);
    return args;
  };
  return ops;
}

// The worker's pid in a report ("... pid N ..."), 0 when there is none.
pid_t pid_in(const std::string& report) {
  auto at = report.find("pid ");
  if (at == std::string::npos) return 0;
  return static_cast<pid_t>(std::atoi(report.c_str() + at + 4));
}

// Whether `pid` still runs; a zombie waiting for its parent does not.
bool running(pid_t pid) {
  if (::kill(pid, 0) == -1) return errno != ESRCH;
  std::string stat;
  if (!sys::read_file("/proc/" + std::to_string(pid) + "/stat", stat, 4096, nullptr).ok())
    return true;
  auto paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ||
         (stat[paren + 2] != 'Z' && stat[paren + 2] != 'X');
}

// Waits up to 5 seconds for `pid` to stop running; reaps it when it is ours.
bool gone_soon(pid_t pid) {
  for (int i = 0; i < 100; ++i) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r == -1 && errno == ECHILD && !running(pid))) return true;
    ::usleep(50 * 1000);
  }
  return false;
}

// A spawn with workers in a child process, fed one request at a time as
// qmail-send would; every read waits at most 10 seconds.
class WorkerSpawn {
 public:
  WorkerSpawn(const queue::SpawnConfig& config, const queue::SpawnOps& ops) {
    auto to = make_pipe();
    auto from = make_pipe();
    ck_assert(to.ok() && from.ok());
    pid_ = ::fork();
    ck_assert(pid_ >= 0);
    if (pid_ == 0) {
      to->write.reset();
      from->read.reset();
      ::_exit(queue::run_spawn(to->read.get(), from->write.get(), config, ops).ok() ? 0 : 1);
    }
    to_ = std::move(to->write);
    from_ = std::move(from->read);
    auto limit = next(1);
    ck_assert(limit.size() == 1 && static_cast<unsigned char>(limit[0]) == config.limit);
  }

  void send(const std::string& requests) { ck_assert(io::write_all(to_.get(), requests).ok()); }
  // qmail-send goes away.
  void close_input() { to_.reset(); }

  // The next report: its slot, then its text.
  std::pair<unsigned, std::string> report() {
    for (int rounds = 0; rounds < 1000 && (buf_.size() < 2 || buf_.find('\0', 1) == npos); ++rounds)
      ck_assert_msg(fill(), "the spawn ended without a report");
    ck_assert(buf_.size() >= 2 && buf_.find('\0', 1) != npos);
    auto nul = buf_.find('\0', 1);
    std::pair<unsigned, std::string> r(static_cast<unsigned char>(buf_[0]),
                                       buf_.substr(1, nul - 1));
    buf_.erase(0, nul + 1);
    return r;
  }

  // Sends one request for slot 0 and returns its report.
  std::string ask(const std::string& sender, const std::string& rcpt) {
    send(request(0, "1/100", sender, rcpt));
    auto r = report();
    ck_assert_uint_eq(r.first, 0);
    return r.second;
  }

  // qmail-send closes the spawn's input: true when the spawn then reports
  // nothing more and exits 0.
  bool finish() {
    close_input();
    for (int rounds = 0; rounds < 1000 && fill();) ++rounds;
    auto st = sys::wait_for(pid_);
    return buf_.empty() && st.ok() && st->exited && st->code == 0;
  }

 private:
  static constexpr auto npos = std::string::npos;

  std::string next(std::size_t n) {
    for (int rounds = 0; rounds < 1000 && buf_.size() < n; ++rounds)
      if (!fill()) break;
    std::string r = buf_.substr(0, n);
    buf_.erase(0, r.size());
    return r;
  }

  // Reads more output; false at its end.
  bool fill() {
    auto ready = io::wait_ready(from_.get(), false, 10);
    ck_assert_msg(ready.ok() && *ready, "no report within 10 seconds");
    char buf[4096];
    ssize_t n = ::read(from_.get(), buf, sizeof buf);
    ck_assert(n >= 0);
    buf_.append(buf, static_cast<std::size_t>(n));
    return n > 0;
  }

  pid_t pid_ = -1;
  Fd to_;
  Fd from_;
  std::string buf_;
};

bool is_worker_report(const std::string& r) { return r.rfind("Kpid ", 0) == 0 && pid_in(r) > 0; }

}  // namespace

START_TEST(workers_deliver_requests_and_each_slot_gets_its_report) {
  Sandbox box;
  std::string in;
  const char* rcpts[] = {"a@x", "b@y", "c@z", "d@x"};
  for (unsigned i = 0; i < 4; ++i) in += request(i, "1/100", "ok", rcpts[i]);
  Outcome o = drive_with(box, in, worker_config(box, 4), worker_ops(false));
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), 4);
  std::set<pid_t> pids;
  for (unsigned i = 0; i < 4; ++i) {
    const std::string& r = o.by_slot[i];
    ck_assert_msg(is_worker_report(r), "slot %u: %s", i, r.c_str());
    // the worker read the message passed to it, and got the request's arguments
    std::string want = " mess Subject: hi " + std::string(rcpts[i]);
    ck_assert_msg(r.size() > want.size() && r.substr(r.size() - want.size()) == want, "%s",
                  r.c_str());
    pids.insert(pid_in(r));
  }
  // all four arrived at once: each went to a worker of its own
  ck_assert_uint_eq(pids.size(), 4);
  // and once qmail-send has gone, every worker ends
  for (pid_t pid : pids)
    ck_assert_msg(gone_soon(pid), "worker %d still runs", static_cast<int>(pid));
}
END_TEST

START_TEST(a_batch_goes_to_one_worker_and_each_request_gets_its_report) {
  Sandbox box;
  std::string in = request(0, "1/100", "remote", "a@x") + request(1, "1/100", "remote", "b@x") +
                   request(2, "1/100", "remote", "c@x") + request(3, "1/100", "crash", "d@y") +
                   request(4, "1/100", "crash", "e@y");
  Outcome o = drive_with(box, in, worker_config(box, 5), worker_ops(true));
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), 5);
  pid_t pid = pid_in(o.by_slot[0]);
  ck_assert_int_gt(pid, 0);
  const char* rcpts[] = {"a@x", "b@x", "c@x"};
  for (unsigned i = 0; i < 3; ++i) {
    std::string want = "Kok " + std::string(rcpts[i]) + " pid " + std::to_string(pid) + "Done.";
    ck_assert_msg(o.by_slot[i] == want, "slot %u: %s", i, o.by_slot[i].c_str());
  }
  // a worker that dies inside a batch: each of its requests is retried later
  ck_assert_str_eq(o.by_slot[3].c_str(), "Zqmail-remote crashed.\n");
  ck_assert_str_eq(o.by_slot[4].c_str(), "Zqmail-remote crashed.\n");
  ck_assert(gone_soon(pid));
}
END_TEST

START_TEST(a_worker_is_reused_for_the_same_affinity) {
  Sandbox box;
  WorkerSpawn spawn(worker_config(box, 2), worker_ops(false));
  spawn.send(request(0, "1/100", "ok", "a@x") + request(1, "1/100", "ok", "b@y"));
  std::map<unsigned, std::string> first;
  for (int i = 0; i < 2; ++i) first.insert(spawn.report());
  ck_assert(is_worker_report(first[0]) && is_worker_report(first[1]));
  pid_t x = pid_in(first[0]), y = pid_in(first[1]);
  ck_assert_int_ne(x, y);
  // each worker idles; the one that went to the same place last is taken
  ck_assert_int_eq(pid_in(spawn.ask("ok", "c@y")), y);
  ck_assert_int_eq(pid_in(spawn.ask("ok", "d@x")), x);
  ck_assert_int_eq(pid_in(spawn.ask("ok", "e@x")), x);
  ck_assert_int_eq(pid_in(spawn.ask("ok", "f@y")), y);
  ck_assert(spawn.finish());
  ck_assert(gone_soon(x) && gone_soon(y));
}
END_TEST

START_TEST(a_worker_that_dies_is_replaced) {
  Sandbox box;
  WorkerSpawn spawn(worker_config(box, 1), worker_ops(false));
  std::string r = spawn.ask("ok", "a@x");
  ck_assert(is_worker_report(r));
  pid_t first = pid_in(r);
  r = spawn.ask("crash", "b@x");
  ck_assert_str_eq(r.c_str(), "ZUh-oh: qmail-local crashed.\n");
  ck_assert(gone_soon(first));
  r = spawn.ask("ok", "c@x");
  ck_assert_msg(is_worker_report(r), "%s", r.c_str());
  pid_t second = pid_in(r);
  ck_assert_int_ne(second, first);
  // a worker that ends between jobs: its job was done, and the next one finds another
  r = spawn.ask("quit", "d@x");
  ck_assert_msg(is_worker_report(r) && pid_in(r) == second, "%s", r.c_str());
  ck_assert(gone_soon(second));
  r = spawn.ask("ok", "e@x");
  ck_assert_msg(is_worker_report(r), "%s", r.c_str());
  ck_assert_int_ne(pid_in(r), second);
  ck_assert(spawn.finish());
  ck_assert(gone_soon(pid_in(r)));
}
END_TEST

START_TEST(a_worker_that_breaks_the_framing_is_let_go) {
  Sandbox box;
  WorkerSpawn spawn(worker_config(box, 1), worker_ops(false));
  std::set<pid_t> pids;
  std::string r = spawn.ask("ok", "a@x");
  ck_assert(is_worker_report(r));
  pid_t last = pid_in(r);
  pids.insert(last);
  for (std::string what : {"garbage", "oversize", "extra"}) {
    r = spawn.ask(what, "b@x");
    ck_assert_msg(r == "ZUh-oh: qmail-local crashed.\n", "%s: %s", what.c_str(), r.c_str());
    ck_assert_msg(gone_soon(last), "%s: the worker still runs", what.c_str());
    r = spawn.ask("ok", "c@x");
    ck_assert_msg(is_worker_report(r), "after %s: %s", what.c_str(), r.c_str());
    last = pid_in(r);
    ck_assert_msg(pids.insert(last).second, "after %s: the same worker", what.c_str());
  }
  // speaking between jobs: its job's reply may or may not have been taken first
  r = spawn.ask("chatty", "d@x");
  ck_assert_msg(r[0] == 'K' || r[0] == 'Z', "%s", r.c_str());
  ck_assert(gone_soon(last));
  r = spawn.ask("ok", "e@x");
  ck_assert_msg(is_worker_report(r), "%s", r.c_str());
  ck_assert(pids.insert(pid_in(r)).second);
  ck_assert(spawn.finish());
  for (pid_t pid : pids) ck_assert(gone_soon(pid));
}
END_TEST

START_TEST(a_worker_is_let_go_after_its_max_jobs) {
  Sandbox box;
  queue::SpawnConfig config = worker_config(box, 1);
  config.worker_max_jobs = 2;
  WorkerSpawn spawn(config, worker_ops(false));
  std::vector<pid_t> pids;
  for (int i = 0; i < 5; ++i) {
    std::string r = spawn.ask("ok", "a@x");
    ck_assert_msg(is_worker_report(r), "%s", r.c_str());
    pids.push_back(pid_in(r));
  }
  ck_assert_int_eq(pids[0], pids[1]);
  ck_assert_int_ne(pids[1], pids[2]);
  ck_assert_int_eq(pids[2], pids[3]);
  ck_assert_int_ne(pids[3], pids[4]);
  ck_assert_int_ne(pids[0], pids[4]);
  ck_assert(gone_soon(pids[0]) && gone_soon(pids[2]));
  ck_assert(spawn.finish());
  ck_assert(gone_soon(pids[4]));
}
END_TEST

START_TEST(an_idle_worker_is_let_go_after_its_idle_time) {
  Sandbox box;
  queue::SpawnConfig config = worker_config(box, 1);
  config.worker_idle_seconds = 1;
  WorkerSpawn spawn(config, worker_ops(false));
  std::string r = spawn.ask("ok", "a@x");
  ck_assert(is_worker_report(r));
  pid_t first = pid_in(r);
  ck_assert_msg(gone_soon(first),
                "the idle worker still runs");  // with no request to wake the spawn
  r = spawn.ask("ok", "b@x");
  ck_assert(is_worker_report(r));
  ck_assert_int_ne(pid_in(r), first);
  ck_assert(spawn.finish());
}
END_TEST

START_TEST(end_of_input_waits_for_a_busy_worker_and_leaves_none_running) {
  Sandbox box;
  WorkerSpawn spawn(worker_config(box, 2), worker_ops(false));
  std::string r = spawn.ask("ok", "a@x");
  ck_assert(is_worker_report(r));
  pid_t idle = pid_in(r);
  // qmail-send goes away while a worker delivers: its report still comes
  spawn.send(request(1, "1/100", "slow", "b@y"));
  spawn.close_input();
  auto last = spawn.report();
  ck_assert_uint_eq(last.first, 1);
  ck_assert_msg(is_worker_report(last.second), "%s", last.second.c_str());
  ck_assert(spawn.finish());
  ck_assert(gone_soon(idle) && gone_soon(pid_in(last.second)));
}
END_TEST

START_TEST(a_worker_job_takes_one_message_at_several_domains) {
  Sandbox box;
  const char* rcpts[] = {"a@x1", "b@w", "c@x1", "d@X2"};
  std::string in;
  for (unsigned i = 0; i < 4; ++i) in += request(i, "1/100", "paired", rcpts[i]);
  // another sender: another job
  in += request(4, "1/100", "paired2", "e@x1");
  Outcome o = drive_with(box, in, worker_config(box, 5), rspawn_ops());
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), 5);
  pid_t pid = pid_in(o.by_slot[0]);
  ck_assert_int_gt(pid, 0);
  // one job saw every recipient, and each slot got its own report
  std::string job = "[a@x1 b@w c@x1 d@X2 pid " + std::to_string(pid) + "]";
  const char* domains[] = {"x1", "w", "x1", "X2"};
  for (unsigned i = 0; i < 4; ++i) {
    std::string want = "K" + job + "tx " + domains[i];
    ck_assert_msg(o.by_slot[i] == want, "slot %u: %s", i, o.by_slot[i].c_str());
  }
  ck_assert_msg(o.by_slot[4].rfind("K[e@x1 pid ", 0) == 0, "%s", o.by_slot[4].c_str());
  ck_assert(gone_soon(pid));
}
END_TEST

START_TEST(a_group_too_big_for_a_worker_is_split_by_domain_for_children) {
  Sandbox box;
  const char* rcpts[] = {"a@x", "b@y", "c@X", "d@z", "e@Y"};
  std::string in;
  for (unsigned i = 0; i < 5; ++i) in += request(i, "1/100", "huge", rcpts[i]);
  Outcome o = drive_with(box, in, worker_config(box, 5), rspawn_ops());
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), 5);
  // one child per domain (case ignored), in the order of first appearance
  const char* want[] = {"Kchild [a@x c@X]Done.", "Kchild [b@y e@Y]Done.", "Kchild [a@x c@X]Done.",
                        "Kchild [d@z]Done.", "Kchild [b@y e@Y]Done."};
  for (unsigned i = 0; i < 5; ++i)
    ck_assert_msg(o.by_slot[i] == want[i], "slot %u: %s", i, o.by_slot[i].c_str());
}
END_TEST

START_TEST(a_worker_reply_is_read_by_the_worker_report) {
  Sandbox box;
  std::string in = request(0, "1/100", "paired", "a@x") + request(1, "1/100", "paired", "b@y") +
                   request(2, "1/100", "paired", "c@z") + request(3, "1/100", "paired", "d@x");
  Outcome o = drive_with(box, in, worker_config(box, 4), rspawn_ops());
  ck_assert(o.ok);
  ck_assert_uint_eq(o.reports.size(), 4);
  pid_t pid = pid_in(o.by_slot[0]);
  ck_assert_int_gt(pid, 0);
  std::string job = "[a@x b@y c@z d@x pid " + std::to_string(pid) + "]";
  // each recipient takes the result of its own transaction
  const std::string want[] = {"K" + job + "tx x", "Z" + job + "tx y", "D" + job + "tx z",
                              "K" + job + "tx x"};
  for (unsigned i = 0; i < 4; ++i)
    ck_assert_msg(o.by_slot[i] == want[i], "slot %u: %s", i, o.by_slot[i].c_str());
  ck_assert(gone_soon(pid));
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
  tc = tcase_create("run_spawn_with_workers");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, workers_deliver_requests_and_each_slot_gets_its_report);
  tcase_add_test(tc, a_batch_goes_to_one_worker_and_each_request_gets_its_report);
  tcase_add_test(tc, a_worker_is_reused_for_the_same_affinity);
  tcase_add_test(tc, a_worker_that_dies_is_replaced);
  tcase_add_test(tc, a_worker_that_breaks_the_framing_is_let_go);
  tcase_add_test(tc, a_worker_is_let_go_after_its_max_jobs);
  tcase_add_test(tc, an_idle_worker_is_let_go_after_its_idle_time);
  tcase_add_test(tc, end_of_input_waits_for_a_busy_worker_and_leaves_none_running);
  tcase_add_test(tc, a_worker_job_takes_one_message_at_several_domains);
  tcase_add_test(tc, a_group_too_big_for_a_worker_is_split_by_domain_for_children);
  tcase_add_test(tc, a_worker_reply_is_read_by_the_worker_report);
  suite_add_tcase(s, tc);
  tc = tcase_create("reports");
  tcase_add_test(tc, local_report_maps_as_qmail_lspawn);
  tcase_add_test(tc, bounded_text_notes_truncation);
  tcase_add_test(tc, remote_report_translates_qmail_remote);
  tcase_add_test(tc, remote_report_splits_a_batch);
  tcase_add_test(tc, remote_report_pairs_each_recipient_with_its_transaction);
  tcase_add_test(tc, remote_report_paired_message_record_first_is_everyones);
  tcase_add_test(tc, remote_report_paired_incomplete_pairs_fail_alone);
  tcase_add_test(tc, remote_report_paired_truncated_reply);
  tcase_add_test(tc, worker_batch_key_ignores_the_domain);
  suite_add_tcase(s, tc);
  return s;
}
