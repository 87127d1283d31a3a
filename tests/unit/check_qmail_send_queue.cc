// Unit tests for qmail-send against a queue in a temporary directory: the
// record files and their checkpoint (queue/records.h), preprocessing of
// todo/, and the scheduler talking to spawns and qmail-clean over pipes.
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "base/auto.h"
#include "base/fd.h"
#include "base/str.h"
#include "qmail-send/log.h"
#include "qmail-send/peers.h"
#include "qmail-send/scheduler.h"
#include "qmail-send/settings.h"
#include "qmail-send/todo.h"
#include "queue/paths.h"
#include "queue/records.h"
#include "sys/open.h"

// check.h defines macros (fail) that break standard headers: it comes last.
#include <check.h>

#include "check_main.h"
#include "check_tmp.h"

using namespace qmail;
using namespace qmail::send;

namespace {
// The bytes of a literal, NULs included, without its terminating NUL.
template <std::size_t N>
std::string B(const char (&s)[N]) {
  return std::string(s, N - 1);
}

// Makes a fresh queue tree and enters it.
// Each test runs inside a fresh queue tree (removed at exit by check_tmp).
void enter_temp_queue() {
  std::string dir = check_tmp::make_dir("check_send");
  check_tmp::make_queue_tree(dir, autoconf::kSplit, false);
  ck_assert_int_eq(chdir(dir.c_str()), 0);
}

void leave_temp_queue() { ck_assert_int_eq(chdir("/"), 0); }

std::string slurp(const std::string& path) {
  std::string out;
  bool found = false;
  ck_assert(sys::read_file(path, out, 1 << 20, &found).ok());
  ck_assert_msg(found, "%s missing", path.c_str());
  return out;
}

void spit(const std::string& path, std::string_view data) {
  ck_assert(sys::write_file_atomic(path, data, 0600).ok());
}

bool gone(const std::string& path) { return access(path.c_str(), F_OK) == -1; }

// Everything a pipe holds right now (the pipes here are never left empty-blocking).
std::string drain(int fd) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  std::string out;
  char buf[4096];
  for (int i = 0; i < 100; ++i) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

void put(int fd, std::string_view s) {
  ck_assert(write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size()));
}

// The pipes of a qmail-send with fake peers: the test plays the spawns and
// qmail-clean by reading requests and writing answers.
struct Rig {
  Pipe log, lreq, lrep, rreq, rrep, creq, crep;
  Config config;
  std::unique_ptr<Log> logger;
  std::unique_ptr<Spawn> lspawn, rspawn;
  std::unique_ptr<Cleaner> clean;
  std::unique_ptr<Scheduler> sched;
  std::unique_ptr<Preprocessor> pre;

  // The spawns' slots: how many recipients each takes at once.
  explicit Rig(unsigned local_slots = 4, unsigned remote_slots = 4) {
    for (Pipe* p : {&log, &lreq, &lrep, &rreq, &rrep, &creq, &crep})
      *p = std::move(make_pipe()).value();
    fcntl(log.write.get(), F_SETFL, O_NONBLOCK);
    config.rules.locals.insert("local.test");
    config.rules.envnoathost = "local.test";
    config.rules.add_virtualdomains({"virt.test:pfx"});
    config.concurrency[0] = config.concurrency[1] = 2;
    logger = std::make_unique<Log>(log.write.get());
    lspawn = std::make_unique<Spawn>(lreq.write.get(), lrep.read.get());
    rspawn = std::make_unique<Spawn>(rreq.write.get(), rrep.read.get());
    clean = std::make_unique<Cleaner>(creq.write.get(), crep.read.get());
    restart(local_slots, remote_slots);
    pre = std::make_unique<Preprocessor>(*logger, *clean);
    pre->set_config(&config);
  }

  // A new scheduler, as qmail-send has after a restart.
  void restart(unsigned local_slots, unsigned remote_slots) {
    sched =
        std::make_unique<Scheduler>(*logger, *lspawn, *rspawn, *clean, local_slots, remote_slots);
    sched->set_config(&config);
    sched->set_remote_batch_by_domain(by_domain);
  }

  // Remote batches split by domain, as with $QMAILREMOTE.
  void per_domain() {
    by_domain = true;
    sched->set_remote_batch_by_domain(true);
  }
  bool by_domain = false;
};

const std::uint64_t kId = 100;  // split 100 % 23 = 8 with the default split
std::string p(queue::Dir d) { return queue::path(d, kId, autoconf::kSplit); }

void queue_message(std::string_view envelope) {
  spit(p(queue::Dir::kMess), "Subject: test\n\nhello\n");
  spit(p(queue::Dir::kIntd), envelope);
  ck_assert_int_eq(link(p(queue::Dir::kIntd).c_str(), p(queue::Dir::kTodo).c_str()), 0);
}

// One delivery request as a spawn reads it.
struct Request {
  unsigned slot = 0;
  std::string mess, sender, rcpt;
};

// The requests a fake spawn has been sent since it last looked.
std::vector<Request> requests(int fd) {
  std::string bytes = drain(fd);
  std::vector<Request> out;
  std::size_t i = 0;
  for (int n = 0; n < 1000 && i < bytes.size(); ++n) {
    Request r;
    r.slot = static_cast<unsigned char>(bytes[i++]);
    for (std::string* field : {&r.mess, &r.sender, &r.rcpt}) {
      std::size_t nul = bytes.find('\0', i);
      ck_assert(nul != std::string::npos);
      field->assign(bytes, i, nul - i);
      i = nul + 1;
    }
    out.push_back(std::move(r));
  }
  ck_assert(i == bytes.size());
  return out;
}

// Puts message `id` in the queue as preprocessing leaves it, with `rcpts` on
// channel `c`, due at `when`.
void queue_list(Rig& rig, Channel c, std::uint64_t id, const std::vector<std::string>& rcpts,
                std::time_t when) {
  spit(queue::path(queue::Dir::kMess, id, autoconf::kSplit), "Subject: test\n\nhello\n");
  ck_assert(
      queue::write_info(queue::path(queue::Dir::kInfo, id, autoconf::kSplit), "a@b.net").ok());
  std::string list;
  for (const std::string& r : rcpts) list += "T" + r + std::string(1, '\0');
  spit(queue::path(c == Channel::kLocal ? queue::Dir::kLocal : queue::Dir::kRemote, id,
                   autoconf::kSplit),
       list);
  rig.sched->add_job(id, c, when);
}

// The fake spawn of `c` reports `status` for each of `reqs`; qmail-send reads it.
void answer(Rig& rig, Channel c, const std::vector<Request>& reqs, char status, std::time_t now) {
  std::string bytes;
  for (const Request& r : reqs) {
    bytes += static_cast<char>(r.slot);
    bytes += status;
    bytes += "done";
    bytes += '\0';
  }
  put((c == Channel::kLocal ? rig.lrep : rig.rrep).write.get(), bytes);
  ck_assert(rig.sched->handle_reports(c, now));
}

// `n` recipients name@domain: name0@domain, name1@domain, ...
std::vector<std::string> rcpts(const std::string& name, const std::string& domain, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(name + std::to_string(i) + "@" + domain);
  return out;
}

// The first `n` of `reqs`, taken out of it.
std::vector<Request> take(std::vector<Request>& reqs, std::size_t n) {
  std::vector<Request> out(reqs.begin(), reqs.begin() + static_cast<std::ptrdiff_t>(n));
  reqs.erase(reqs.begin(), reqs.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

const std::string kEnvelope = B("u1000\0p42\0Fa@b.net\0Tx@local.test\0Ty@far.net\0Tz@virt.test\0");
}  // namespace

START_TEST(record_reader_reports_offsets) {
  enter_temp_queue();
  spit("f", B("Tone\0Dtwo\0Tthree\0"));
  auto fd = sys::open_read("f");
  queue::RecordReader r(fd->get());
  std::string rec;
  std::uint64_t off = 99;
  ck_assert(*r.next(rec, off) && rec == "Tone" && off == 0);
  ck_assert(*r.next(rec, off) && rec == "Dtwo" && off == 5);
  ck_assert(*r.next(rec, off) && rec == "Tthree" && off == 10);
  ck_assert(!*r.next(rec, off));
}
END_TEST

START_TEST(record_reader_rejects_truncated_and_huge) {
  enter_temp_queue();
  spit("f", B("Tone\0Ttw"));
  auto fd = sys::open_read("f");
  queue::RecordReader r(fd->get());
  std::string rec;
  std::uint64_t off = 0;
  ck_assert(*r.next(rec, off));
  auto bad = r.next(rec, off);
  ck_assert(!bad.ok());
  spit("g", std::string(queue::kMaxRecord + 10, 'T'));
  auto gfd = sys::open_read("g");
  queue::RecordReader g(gfd->get());
  ck_assert(!g.next(rec, off).ok());
}
END_TEST

START_TEST(mark_done_checkpoints_one_record) {
  enter_temp_queue();
  spit("f", B("Tone\0Ttwo\0"));
  ck_assert(queue::mark_done("f", 5).ok());
  ck_assert(slurp("f") == B("Tone\0Dtwo\0"));
  std::uint64_t done = 0;
  ck_assert_uint_eq(*queue::count_pending("f", &done), 1);
  ck_assert_uint_eq(done, 1);
  ck_assert(!queue::mark_done("missing", 0).ok());
}
END_TEST

START_TEST(info_and_bounce_records_round_trip) {
  enter_temp_queue();
  ck_assert(queue::write_info("i1", "joe@x").ok());
  ck_assert(*queue::read_info_sender("i1") == "joe@x");
  ck_assert(queue::append_bounce("b1", "a@b", "no\n").ok());
  ck_assert(queue::append_bounce("b1", "c@d", "gone").ok());
  ck_assert(slurp("b1") == B("a@b\0no\n\0c@d\0gone\0"));
  spit("i2", "Xjunk");
  ck_assert(!queue::read_info_sender("i2").ok());
  ck_assert(queue::read_info_sender("i3").error().errnum == ENOENT);
}
END_TEST

START_TEST(preprocessing_splits_and_rewrites) {
  enter_temp_queue();
  Rig rig;
  queue_message(kEnvelope);
  put(rig.crep.write.get(), "+");
  rig.pre->work(10, 1000, *rig.sched);
  std::string log = drain(rig.log.read.get());
  ck_assert_msg(slurp(p(queue::Dir::kLocal)) == B("Tx@local.test\0Tpfx-z@virt.test\0"), "%s",
                log.c_str());
  ck_assert(slurp(p(queue::Dir::kRemote)) == B("Ty@far.net\0"));
  ck_assert(slurp(p(queue::Dir::kInfo)) == B("Fa@b.net\0"));
  ck_assert(drain(rig.creq.read.get()) == B("todo/100\0"));
  ck_assert_msg(log.find("new msg 100\ninfo msg 100: bytes 21 from <a@b.net> qp 42 uid 1000\n") !=
                    std::string::npos,
                "%s", log.c_str());
}
END_TEST

START_TEST(preprocessing_drops_todo_without_message) {
  enter_temp_queue();
  Rig rig;
  queue_message(kEnvelope);
  unlink(p(queue::Dir::kMess).c_str());
  put(rig.crep.write.get(), "+");
  rig.pre->work(10, 1000, *rig.sched);
  ck_assert(drain(rig.creq.read.get()) == B("todo/100\0"));
  ck_assert(gone(p(queue::Dir::kInfo)));
}
END_TEST

START_TEST(preprocessing_leaves_bad_envelope_for_later) {
  enter_temp_queue();
  Rig rig;
  queue_message(B("u1\0p2\0Fa@b\0Qodd\0"));
  rig.pre->work(10, 1000, *rig.sched);
  ck_assert(drain(rig.creq.read.get()).empty());
  ck_assert(gone(p(queue::Dir::kInfo)));
  ck_assert(drain(rig.log.read.get()).find("unknown record type in todo/100") != std::string::npos);
}
END_TEST

START_TEST(deliveries_checkpoint_and_finish_message) {
  enter_temp_queue();
  Rig rig;
  queue_message(kEnvelope);
  put(rig.crep.write.get(), "+");
  rig.pre->work(10, 1000, *rig.sched);
  drain(rig.creq.read.get());
  rig.sched->dispatch(1000);
  ck_assert(drain(rig.lreq.read.get()) == B("\x00"
                                            "8/100\0a@b.net\0x@local.test\0"
                                            "\x01"
                                            "8/100\0a@b.net\0pfx-z@virt.test\0"));
  ck_assert(drain(rig.rreq.read.get()) == B("\x00"
                                            "8/100\0a@b.net\0y@far.net\0"));
  ck_assert_uint_eq(rig.sched->busy(Channel::kLocal), 2);

  put(rig.lrep.write.get(), B("\x01"
                              "Kdid 0+0+1\n\0"));
  ck_assert(rig.sched->handle_reports(Channel::kLocal, 1001));
  ck_assert(slurp(p(queue::Dir::kLocal)) == B("Tx@local.test\0Dpfx-z@virt.test\0"));
  put(rig.lrep.write.get(), B("\x00"
                              "Kok\0"));
  ck_assert(rig.sched->handle_reports(Channel::kLocal, 1001));
  ck_assert_int_eq(rig.sched->wait_seconds(1001, 100), 0);  // the pass has not seen the end
  rig.sched->dispatch(1001);
  ck_assert(gone(p(queue::Dir::kLocal)));  // no T left: the list goes

  put(rig.rrep.write.get(), B("\x00"
                              "Kaccepted\0"));
  ck_assert(rig.sched->handle_reports(Channel::kRemote, 1002));
  ck_assert(gone(p(queue::Dir::kRemote)));
  put(rig.crep.write.get(), "+");
  rig.sched->run_checks(1002, 10);
  ck_assert(drain(rig.creq.read.get()) == B("foop/100\0"));
  ck_assert(gone(p(queue::Dir::kInfo)));
  std::string log = drain(rig.log.read.get());
  ck_assert_msg(
      log.find("starting delivery 1: msg 100 to local x@local.test\n") != std::string::npos, "%s",
      log.c_str());
  ck_assert(log.find("delivery 2: success: did_0+0+1/\n") != std::string::npos);
  ck_assert(log.find("status: local 1/2 remote 1/2\n") != std::string::npos);
  ck_assert(log.find("end msg 100\n") != std::string::npos);
}
END_TEST

START_TEST(failures_go_to_bounce_before_the_checkpoint) {
  enter_temp_queue();
  Rig rig;
  queue_message(B("u1\0p2\0Fa@b\0Tx@local.test\0Tq@local.test\0"));
  put(rig.crep.write.get(), "+");
  rig.pre->work(10, 1000, *rig.sched);
  rig.sched->dispatch(1000);
  put(rig.lrep.write.get(), B("\x00"
                              "DSorry, no mailbox here.\n\0"));
  put(rig.lrep.write.get(), B("\x01"
                              "Zdisk full\0"));
  ck_assert(rig.sched->handle_reports(Channel::kLocal, 1001));
  ck_assert(slurp(p(queue::Dir::kLocal)) == B("Dx@local.test\0Tq@local.test\0"));
  ck_assert(slurp(p(queue::Dir::kBounce)) == B("x@local.test\0Sorry, no mailbox here.\n\0"));
  // the deferred recipient waits for the next step of the schedule
  ck_assert_uint_eq(rig.sched->busy(Channel::kLocal), 0);
  rig.sched->dispatch(1050);
  ck_assert_uint_eq(rig.sched->busy(Channel::kLocal), 0);
  rig.sched->dispatch(1200);
  ck_assert_uint_eq(rig.sched->busy(Channel::kLocal), 1);
  std::string log = drain(rig.log.read.get());
  ck_assert(log.find("delivery 1: failure: Sorry,_no_mailbox_here./\n") != std::string::npos);
  ck_assert(log.find("delivery 2: deferral: disk_full\n") != std::string::npos);
}
END_TEST

START_TEST(old_message_deferral_becomes_failure) {
  enter_temp_queue();
  Rig rig;
  rig.config.queuelifetime = 10;
  queue_message(B("u1\0p2\0Fa@b\0Tx@local.test\0"));
  put(rig.crep.write.get(), "+");
  rig.pre->work(10, 1000, *rig.sched);
  rig.sched->dispatch(1000);
  put(rig.lrep.write.get(), B("\x00"
                              "Ztry later\0"));
  ck_assert(rig.sched->handle_reports(Channel::kLocal, std::time(nullptr) + 100));
  std::string b = slurp(p(queue::Dir::kBounce));
  ck_assert(b.find("try later\nI'm not going to try again") != std::string::npos);
  ck_assert(gone(p(queue::Dir::kLocal)));
}
END_TEST

START_TEST(mangled_and_stray_reports_are_survived) {
  enter_temp_queue();
  Rig rig;
  queue_message(B("u1\0p2\0Fa@b\0Tx@local.test\0"));
  put(rig.crep.write.get(), "+");
  rig.pre->work(10, 1000, *rig.sched);
  rig.sched->dispatch(1000);
  put(rig.lrep.write.get(), B("\x03"
                              "Kwho?\0"
                              "\x00"
                              "?huh\0"));
  ck_assert(rig.sched->handle_reports(Channel::kLocal, 1001));
  ck_assert(slurp(p(queue::Dir::kLocal)) == B("Tx@local.test\0"));
  std::string log = drain(rig.log.read.get());
  ck_assert(log.find("delivery report out of range") != std::string::npos);
  ck_assert(log.find("delivery 1: report mangled, will defer") != std::string::npos);
  rig.lrep.write.reset();  // the spawn dies
  ck_assert(!rig.sched->handle_reports(Channel::kLocal, 1002));
  ck_assert(rig.sched->lost());
}
END_TEST

START_TEST(remote_concurrency_counts_connections_not_recipients) {
  enter_temp_queue();
  Rig rig(4, 20);
  std::vector<std::string> ten = rcpts("u", "far.net", 10);
  ten[3] = "U3@FAR.Net";  // the domain's case does not matter
  queue_list(rig, Channel::kRemote, 100, ten, 1000);
  queue_list(rig, Channel::kRemote, 101, {"v@far.net"}, 1000);
  queue_list(rig, Channel::kRemote, 102, {"w@far.net"}, 1000);
  rig.sched->dispatch(1000);
  std::vector<Request> reqs = requests(rig.rreq.read.get());
  // 100's ten recipients are one connection, 101's one another: the limit of 2
  ck_assert_uint_eq(reqs.size(), 11);
  for (std::size_t i = 0; i < 10; ++i) {
    ck_assert_str_eq(reqs[i].mess.c_str(), "8/100");
    ck_assert_str_eq(reqs[i].rcpt.c_str(), ten[i].c_str());
  }
  ck_assert_str_eq(reqs[10].rcpt.c_str(), "v@far.net");
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);
  ck_assert_uint_eq(rig.sched->in_flight(Channel::kRemote), 11);
  std::string log = drain(rig.log.read.get());
  ck_assert_msg(log.find("starting delivery 4: msg 100 to remote U3@FAR.Net\n"
                         "status: local 0/2 remote 1/2\n") != std::string::npos,
                "%s", log.c_str());
  ck_assert(log.find("starting delivery 11: msg 101 to remote v@far.net\n"
                     "status: local 0/2 remote 2/2\n") != std::string::npos);
  ck_assert(log.find("msg 102") == std::string::npos);

  // 100's connection ends with its last report; then 102 may go
  std::vector<Request> nine = take(reqs, 9);
  answer(rig, Channel::kRemote, nine, 'K', 1001);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);
  ck_assert_int_eq(rig.sched->wait_seconds(1001, 100), 100);
  answer(rig, Channel::kRemote, take(reqs, 1), 'K', 1001);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 1);
  rig.sched->dispatch(1001);
  std::vector<Request> more = requests(rig.rreq.read.get());
  ck_assert_uint_eq(more.size(), 1);
  ck_assert_str_eq(more[0].rcpt.c_str(), "w@far.net");
  ck_assert(gone(queue::path(queue::Dir::kRemote, 100, autoconf::kSplit)));
}
END_TEST

START_TEST(one_batch_holds_every_domain_of_a_message) {
  enter_temp_queue();
  Rig rig(4, 20);
  queue_list(rig, Channel::kRemote, 100,
             {"a1@one.test", "b1@two.test", "a2@ONE.test", "c1@three.test"}, 1000);
  queue_list(rig, Channel::kRemote, 101, {"d@four.test", "e@five.test"}, 1000);
  queue_list(rig, Channel::kRemote, 102, {"f@six.test"}, 1000);
  rig.sched->dispatch(1000);
  std::vector<Request> reqs = requests(rig.rreq.read.get());
  // one worker job per message: 100 and 101 take the limit of 2, 102 waits
  ck_assert_uint_eq(reqs.size(), 6);
  ck_assert_str_eq(reqs[3].rcpt.c_str(), "c1@three.test");
  ck_assert_str_eq(reqs[5].rcpt.c_str(), "e@five.test");
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);
  ck_assert_uint_eq(rig.sched->in_flight(Channel::kRemote), 6);
  ck_assert_int_eq(rig.sched->wait_seconds(1000, 100), 100);

  std::vector<Request> m100 = take(reqs, 4);
  answer(rig, Channel::kRemote, take(m100, 3), 'K', 1001);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);  // c1 is still out
  answer(rig, Channel::kRemote, m100, 'Z', 1001);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 1);
  rig.sched->dispatch(1001);
  std::vector<Request> more = requests(rig.rreq.read.get());
  ck_assert_uint_eq(more.size(), 1);
  ck_assert_str_eq(more[0].rcpt.c_str(), "f@six.test");
  ck_assert(slurp(queue::path(queue::Dir::kRemote, 100, autoconf::kSplit)) ==
            B("Da1@one.test\0Db1@two.test\0Da2@ONE.test\0Tc1@three.test\0"));
  drain(rig.log.read.get());
}
END_TEST

START_TEST(new_domain_waits_while_the_limit_is_reached) {
  enter_temp_queue();
  Rig rig(4, 20);
  rig.per_domain();
  queue_list(rig, Channel::kRemote, kId,
             {"a1@one.test", "b1@two.test", "a2@ONE.test", "c1@three.test", "c2@Three.test"}, 1000);
  rig.sched->dispatch(1000);
  std::vector<Request> first = requests(rig.rreq.read.get());
  ck_assert_uint_eq(first.size(), 3);  // one.test twice, two.test; three.test is held
  ck_assert_str_eq(first[2].rcpt.c_str(), "a2@ONE.test");
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);
  // nothing can start: no busy loop, and another dispatch changes nothing
  ck_assert_int_eq(rig.sched->wait_seconds(1000, 100), 100);
  rig.sched->dispatch(1000);
  ck_assert(requests(rig.rreq.read.get()).empty());

  answer(rig, Channel::kRemote, {first[1]}, 'K', 1001);  // two.test ends
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 1);
  ck_assert_int_eq(rig.sched->wait_seconds(1001, 100), 0);
  rig.sched->dispatch(1001);
  std::vector<Request> second = requests(rig.rreq.read.get());
  ck_assert_uint_eq(second.size(), 2);  // the held one first, its domain with it
  ck_assert_str_eq(second[0].rcpt.c_str(), "c1@three.test");
  ck_assert_str_eq(second[1].rcpt.c_str(), "c2@Three.test");
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);

  answer(rig, Channel::kRemote, {first[0]}, 'K', 1002);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);  // a2 still out
  answer(rig, Channel::kRemote, {first[2]}, 'K', 1002);
  answer(rig, Channel::kRemote, second, 'K', 1002);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 0);
  rig.sched->dispatch(1002);
  ck_assert(requests(rig.rreq.read.get()).empty());
  ck_assert(gone(p(queue::Dir::kRemote)));
}
END_TEST

START_TEST(later_dispatch_starts_a_new_batch_and_slots_bound_recipients) {
  enter_temp_queue();
  Rig rig(4, 3);
  queue_list(rig, Channel::kRemote, kId, rcpts("a", "one.test", 5), 1000);
  rig.sched->dispatch(1000);
  std::vector<Request> first = requests(rig.rreq.read.get());
  ck_assert_uint_eq(first.size(), 3);  // every slot taken, by one connection
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 1);
  ck_assert_int_eq(rig.sched->wait_seconds(1000, 100), 100);
  answer(rig, Channel::kRemote, {first[0]}, 'K', 1001);
  rig.sched->dispatch(1001);
  std::vector<Request> second = requests(rig.rreq.read.get());
  ck_assert_uint_eq(second.size(), 1);
  ck_assert_str_eq(second[0].rcpt.c_str(), "a3@one.test");
  // qmail-rspawn cannot join it to the requests it already has: a second connection
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);
  answer(rig, Channel::kRemote, {first[1]}, 'K', 1002);
  rig.sched->dispatch(1002);
  ck_assert(requests(rig.rreq.read.get()).empty());  // a4 needs a third
}
END_TEST

START_TEST(batch_of_more_than_100_recipients_splits) {
  enter_temp_queue();
  Rig rig(4, 250);
  std::vector<std::string> many = rcpts("r", "big.test", 205);
  queue_list(rig, Channel::kRemote, kId, many, 1000);
  rig.sched->dispatch(1000);
  drain(rig.log.read.get());
  std::vector<Request> reqs = requests(rig.rreq.read.get());
  ck_assert_uint_eq(reqs.size(), 2 * Scheduler::kMaxBatch);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);
  ck_assert_uint_eq(rig.sched->in_flight(Channel::kRemote), 200);

  std::vector<Request> batch1 = take(reqs, Scheduler::kMaxBatch);
  answer(rig, Channel::kRemote, take(batch1, 99), 'K', 1001);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);
  rig.sched->dispatch(1001);
  ck_assert(requests(rig.rreq.read.get()).empty());
  answer(rig, Channel::kRemote, batch1, 'K', 1001);
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 1);
  rig.sched->dispatch(1001);
  std::vector<Request> rest = requests(rig.rreq.read.get());
  ck_assert_uint_eq(rest.size(), 5);
  for (std::size_t i = 0; i < rest.size(); ++i)
    ck_assert_str_eq(rest[i].rcpt.c_str(), many[200 + i].c_str());
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 2);
  drain(rig.log.read.get());
}
END_TEST

START_TEST(stop_with_a_held_recipient_loses_and_repeats_nothing) {
  enter_temp_queue();
  Rig rig(4, 20);
  rig.per_domain();
  queue_list(rig, Channel::kRemote, kId,
             {"a@one.test", "b@two.test", "c@three.test", "d@three.test"}, 1000);
  rig.sched->dispatch(1000);
  std::vector<Request> first = requests(rig.rreq.read.get());
  ck_assert_uint_eq(first.size(), 2);  // c@three.test is held
  rig.sched->stop(1000);
  rig.sched->dispatch(1000);
  ck_assert(requests(rig.rreq.read.get()).empty());
  answer(rig, Channel::kRemote, first, 'K', 1001);
  ck_assert_uint_eq(rig.sched->busy_total(), 0);
  ck_assert(slurp(p(queue::Dir::kRemote)) ==
            B("Da@one.test\0Db@two.test\0Tc@three.test\0Td@three.test\0"));

  rig.restart(4, 20);
  rig.sched->add_job(kId, Channel::kRemote, 2000);
  rig.sched->dispatch(2000);
  std::vector<Request> second = requests(rig.rreq.read.get());
  ck_assert_uint_eq(second.size(), 2);
  ck_assert_str_eq(second[0].rcpt.c_str(), "c@three.test");
  ck_assert_str_eq(second[1].rcpt.c_str(), "d@three.test");
  ck_assert_uint_eq(rig.sched->busy(Channel::kRemote), 1);
  answer(rig, Channel::kRemote, second, 'K', 2001);
  rig.sched->dispatch(2001);
  ck_assert(gone(p(queue::Dir::kRemote)));
}
END_TEST

START_TEST(local_concurrency_counts_recipients) {
  enter_temp_queue();
  Rig rig(4, 4);
  queue_list(rig, Channel::kLocal, kId, {"x@local.test", "y@local.test", "z@local.test"}, 1000);
  rig.sched->dispatch(1000);
  std::vector<Request> first = requests(rig.lreq.read.get());
  ck_assert_uint_eq(first.size(), 2);
  ck_assert_uint_eq(rig.sched->busy(Channel::kLocal), 2);
  ck_assert_int_eq(rig.sched->wait_seconds(1000, 100), 100);
  answer(rig, Channel::kLocal, {first[0]}, 'K', 1001);
  ck_assert_uint_eq(rig.sched->busy(Channel::kLocal), 1);
  rig.sched->dispatch(1001);
  std::vector<Request> second = requests(rig.lreq.read.get());
  ck_assert_uint_eq(second.size(), 1);
  ck_assert_str_eq(second[0].rcpt.c_str(), "z@local.test");
  ck_assert_uint_eq(rig.sched->busy(Channel::kLocal), 2);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_send_queue");
  TCase* rec = tcase_create("records");
  tcase_add_checked_fixture(rec, nullptr, leave_temp_queue);
  tcase_add_test(rec, record_reader_reports_offsets);
  tcase_add_test(rec, record_reader_rejects_truncated_and_huge);
  tcase_add_test(rec, mark_done_checkpoints_one_record);
  tcase_add_test(rec, info_and_bounce_records_round_trip);
  suite_add_tcase(s, rec);
  TCase* pre = tcase_create("Preprocessor");
  tcase_add_checked_fixture(pre, nullptr, leave_temp_queue);
  tcase_add_test(pre, preprocessing_splits_and_rewrites);
  tcase_add_test(pre, preprocessing_drops_todo_without_message);
  tcase_add_test(pre, preprocessing_leaves_bad_envelope_for_later);
  suite_add_tcase(s, pre);
  TCase* sch = tcase_create("Scheduler");
  tcase_add_checked_fixture(sch, nullptr, leave_temp_queue);
  tcase_add_test(sch, deliveries_checkpoint_and_finish_message);
  tcase_add_test(sch, failures_go_to_bounce_before_the_checkpoint);
  tcase_add_test(sch, old_message_deferral_becomes_failure);
  tcase_add_test(sch, mangled_and_stray_reports_are_survived);
  suite_add_tcase(s, sch);
  TCase* conc = tcase_create("concurrency");
  tcase_add_checked_fixture(conc, nullptr, leave_temp_queue);
  tcase_add_test(conc, remote_concurrency_counts_connections_not_recipients);
  tcase_add_test(conc, one_batch_holds_every_domain_of_a_message);
  tcase_add_test(conc, new_domain_waits_while_the_limit_is_reached);
  tcase_add_test(conc, later_dispatch_starts_a_new_batch_and_slots_bound_recipients);
  tcase_add_test(conc, batch_of_more_than_100_recipients_splits);
  tcase_add_test(conc, stop_with_a_held_recipient_loses_and_repeats_nothing);
  tcase_add_test(conc, local_concurrency_counts_recipients);
  suite_add_tcase(s, conc);
  return s;
}
