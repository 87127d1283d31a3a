// Unit tests for src/qmail-queue: queue_message() on a temporary queue tree
// (qmail-queue itself uses the compiled-in home), and the Received line.
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "base/auto.h"
#include "base/exit_code.h"
#include "check_main.h"
#include "check_tmp.h"
#include "qmail-queue/queue.h"
#include "queue/message_file.h"
#include "sys/open.h"

using namespace qmail;
using namespace std::string_literals;

namespace {

const unsigned kSplit = autoconf::kSplit;

// A queue tree as `make setup` lays it out, in a fresh temporary directory.
struct TempQueue {
  std::string dir;
  TempQueue() : dir(check_tmp::make_dir("check_qmail_queue")) {
    check_tmp::make_queue_tree(dir, kSplit, true);
  }
  [[nodiscard]] std::string at(const std::string& rel) const { return dir + "/" + rel; }
  [[nodiscard]] std::vector<std::uint64_t> ids(const std::string& rel) const {
    auto r = queue::list_message_ids(at(rel));
    ck_assert(r.ok());
    return *r;
  }
  // Every file in pid/, intd/, todo/ and mess/*/.
  [[nodiscard]] std::size_t files() const {
    std::size_t n = count("pid") + count("intd") + count("todo");
    for (unsigned i = 0; i < kSplit; ++i) n += count("mess/" + std::to_string(i));
    return n;
  }
  [[nodiscard]] std::size_t count(const std::string& rel) const {
    auto r = queue::count_entries(at(rel));
    return r ? static_cast<std::size_t>(*r) : 0;
  }
};

// A file holding `data`, open for reading at offset 0 (already unlinked).
int input(const TempQueue& q, const std::string& data) {
  std::string p = q.at("input.XXXXXX");
  int fd = ::mkstemp(p.data());
  ck_assert(fd >= 0);
  ::unlink(p.c_str());
  ck_assert_int_eq(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ck_assert_int_eq(::lseek(fd, 0, SEEK_SET), 0);
  return fd;
}

std::string slurp(const std::string& path) {
  std::string out;
  bool found = false;
  ck_assert(sys::read_file(path, out, 1 << 24, &found).ok());
  ck_assert(found);
  return out;
}

queue::Caller caller(uid_t uid = 1234) {
  queue::Caller c;
  c.uid = uid;
  c.pid = 777;
  c.now = 1795248276;  // 21 Nov 2026 08:04:36 UTC
  c.alias = 7790;
  c.qmaild = 7791;
  c.qmails = 7792;
  return c;
}

QueueExit enqueue(const TempQueue& q, const std::string& message, const std::string& envelope) {
  int m = input(q, message);
  int e = input(q, envelope);
  QueueExit x = queue::queue_message(q.dir, caller(), m, e);
  ::close(m);
  ::close(e);
  return x;
}

}  // namespace

START_TEST(message_and_envelope_are_queued) {
  TempQueue q;
  int trigger = ::open(q.at("lock/trigger").c_str(), O_RDONLY | O_NONBLOCK);
  ck_assert(trigger >= 0);
  std::string msg = "Subject: hi\n\nbody\n";
  QueueExit x = enqueue(q, msg, "Fjoe@a.example\0Tbob@b.example\0Tann@c.example\0\0"s);
  ck_assert_int_eq(as_int(x), 0);

  auto todo = q.ids("todo");
  ck_assert_int_eq(todo.size(), 1);
  std::uint64_t n = todo[0];
  std::string mess = "mess/" + std::to_string(n % kSplit) + "/" + std::to_string(n);
  struct stat st;
  ck_assert_int_eq(::stat(q.at(mess).c_str(), &st), 0);
  ck_assert(st.st_ino == n);  // the message number is the mess file's inode
  ck_assert_int_eq(st.st_mode & 07777, 0644);
  std::string body = slurp(q.at(mess));
  ck_assert_str_eq(body.c_str(),
                   "Received: (qmail 777 invoked by uid 1234); 21 Nov 2026 08:04:36 -0000\n"
                   "Subject: hi\n\nbody\n");
  std::string want = "u1234\0p777\0Fjoe@a.example\0Tbob@b.example\0Tann@c.example\0"s;
  ck_assert(slurp(q.at("intd/" + std::to_string(n))) == want);
  ck_assert(slurp(q.at("todo/" + std::to_string(n))) == want);
  ck_assert_int_eq(q.count("pid"), 0);
  ck_assert_int_eq(q.files(), 3);
  char c = 'x';
  ck_assert_int_eq(::read(trigger, &c, 1), 1);  // qmail-send was woken
  ck_assert_int_eq(c, 0);
  ::close(trigger);
}
END_TEST

START_TEST(message_is_copied_byte_for_byte_however_long) {
  TempQueue q;
  std::string msg;
  for (int i = 0; msg.size() < 300000; ++i) msg += "line " + std::to_string(i) + "\0\r\n"s;
  ck_assert_int_eq(as_int(enqueue(q, msg, "F\0Tx@y\0\0"s)), 0);
  std::uint64_t n = q.ids("todo").at(0);
  std::string body = slurp(q.at("mess/" + std::to_string(n % kSplit) + "/" + std::to_string(n)));
  std::string head = "Received: (qmail 777 invoked by uid 1234); 21 Nov 2026 08:04:36 -0000\n";
  ck_assert(body == head + msg);
}
END_TEST

START_TEST(envelope_without_recipients_is_queued) {
  TempQueue q;
  ck_assert_int_eq(as_int(enqueue(q, "", "F\0\0"s)), 0);
  std::uint64_t n = q.ids("todo").at(0);
  ck_assert(slurp(q.at("todo/" + std::to_string(n))) == "u1234\0p777\0F\0"s);
}
END_TEST

START_TEST(bad_envelopes_give_91_and_leave_no_files) {
  const std::string bad[] = {"Tbob@b\0\0"s, "Fa\0Xb\0\0"s, "Fa\0Tb\0"s,
                             "Fa\0Tb"s,     ""s,           "Fa\0Tb\0\0junk"s};
  for (const auto& env : bad) {
    TempQueue q;
    ck_assert_int_eq(as_int(enqueue(q, "x\n", env)), 91);
    ck_assert_int_eq(q.files(), 0);
  }
}
END_TEST

START_TEST(over_long_address_gives_11_and_leaves_no_files) {
  std::string longest(1002, 'a');
  std::string over(1003, 'a');
  {
    TempQueue q;
    ck_assert_int_eq(as_int(enqueue(q, "x\n", "F" + longest + "\0T"s + longest + "\0\0"s)), 0);
  }
  for (const auto& env : {"F" + over + "\0\0"s, "Fa\0Tb\0T"s + over + "\0\0"s}) {
    TempQueue q;
    ck_assert_int_eq(as_int(enqueue(q, "x\n", env)), 11);
    ck_assert_int_eq(q.files(), 0);
  }
}
END_TEST

START_TEST(unreadable_message_or_envelope_gives_54) {
  TempQueue q;
  int wronly = ::open("/dev/null", O_WRONLY);
  int env = input(q, "Fa\0\0"s);
  ck_assert_int_eq(as_int(queue::queue_message(q.dir, caller(), wronly, env)), 54);
  ck_assert_int_eq(q.files(), 0);
  int msg = input(q, "x\n");
  ck_assert_int_eq(as_int(queue::queue_message(q.dir, caller(), msg, wronly)), 54);
  ck_assert_int_eq(q.files(), 0);
}
END_TEST

START_TEST(missing_queue_directories_give_their_codes) {
  struct Case {
    const char* gone;
    int code;
  } cases[] = {{"pid", 63}, {"mess/0", 64}, {"intd", 65}, {"todo", 66}};
  for (const auto& c : cases) {
    TempQueue q;
    if (std::string(c.gone) == "mess/0")
      for (unsigned i = 0; i < kSplit; ++i) ::rmdir(q.at("mess/" + std::to_string(i)).c_str());
    else
      ck_assert_int_eq(::rmdir(q.at(c.gone).c_str()), 0);
    ck_assert_int_eq(as_int(enqueue(q, "x\n", "Fa\0Tb\0\0"s)), c.code);
    ck_assert_int_eq(q.files(), 0);
  }
}
END_TEST

START_TEST(received_line_names_the_caller) {
  auto line = [](uid_t uid) { return queue::received_line(caller(uid)); };
  ck_assert(line(7790) == "Received: (qmail 777 invoked by alias); 21 Nov 2026 08:04:36 -0000\n");
  ck_assert(line(7791) ==
            "Received: (qmail 777 invoked from network); 21 Nov 2026 08:04:36 -0000\n");
  ck_assert(line(7792) == "Received: (qmail 777 invoked for bounce); 21 Nov 2026 08:04:36 -0000\n");
  ck_assert(line(0) == "Received: (qmail 777 invoked by uid 0); 21 Nov 2026 08:04:36 -0000\n");
}
END_TEST

START_TEST(received_line_checks_alias_then_qmaild_then_qmails) {
  queue::Caller c = caller(500);
  c.alias = c.qmaild = c.qmails = 500;  // one user for all, as in the sandbox
  ck_assert(queue::received_line(c).find("invoked by alias") != std::string::npos);
  c.alias.reset();
  ck_assert(queue::received_line(c).find("invoked from network") != std::string::npos);
  c.qmaild.reset();
  ck_assert(queue::received_line(c).find("invoked for bounce") != std::string::npos);
  c.qmails.reset();
  ck_assert(queue::received_line(c).find("invoked by uid 500") != std::string::npos);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("qmail_queue");
  TCase* qm = tcase_create("queue_message");
  tcase_add_test(qm, message_and_envelope_are_queued);
  tcase_add_test(qm, message_is_copied_byte_for_byte_however_long);
  tcase_add_test(qm, envelope_without_recipients_is_queued);
  tcase_add_test(qm, bad_envelopes_give_91_and_leave_no_files);
  tcase_add_test(qm, over_long_address_gives_11_and_leaves_no_files);
  tcase_add_test(qm, unreadable_message_or_envelope_gives_54);
  tcase_add_test(qm, missing_queue_directories_give_their_codes);
  suite_add_tcase(s, qm);
  TCase* rl = tcase_create("received_line");
  tcase_add_test(rl, received_line_names_the_caller);
  tcase_add_test(rl, received_line_checks_alias_then_qmaild_then_qmails);
  suite_add_tcase(s, rl);
  return s;
}
