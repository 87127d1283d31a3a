// Checks the exit-code enums of base/exit_code.h against the EXIT CODES
// sections of the man pages, so the code and its documentation cannot drift.
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

// check.h after <fstream>: its macros clash with iostream internals
#include <check.h>

#include "base/exit_code.h"
#include "check_main.h"

using namespace qmail;

namespace {
// The numbers that stand alone on the line after a .TP in the EXIT CODES section.
std::set<int> documented_codes(const std::string& page) {
  const char* top = std::getenv("top_srcdir");
  std::ifstream in(std::string(top ? top : ".") + "/man/" + page);
  ck_assert_msg(in.good(), "cannot read man/%s", page.c_str());
  std::set<int> codes;
  std::string line;
  bool in_section = false, after_tp = false;
  while (std::getline(in, line)) {
    if (line.rfind(".SH", 0) == 0) {
      in_section = line.find("EXIT CODES") != std::string::npos;
      continue;
    }
    if (!in_section) continue;
    if (line.rfind(".TP", 0) == 0) {
      after_tp = true;
      continue;
    }
    if (after_tp && !line.empty() && line.find_first_not_of("0123456789") == std::string::npos)
      codes.insert(std::atoi(line.c_str()));
    after_tp = false;
  }
  return codes;
}
}  // namespace

START_TEST(queue_exit_matches_qmail_queue_8) {
  const std::set<int> enum_codes = {as_int(QueueExit::kOk),
                                    as_int(QueueExit::kAddressTooLong),
                                    as_int(QueueExit::kMessageRefused),
                                    as_int(QueueExit::kNoMem),
                                    as_int(QueueExit::kTimeout),
                                    as_int(QueueExit::kWriteError),
                                    as_int(QueueExit::kReadError),
                                    as_int(QueueExit::kConfigError),
                                    as_int(QueueExit::kNetworkError),
                                    as_int(QueueExit::kQueueHome),
                                    as_int(QueueExit::kQueueDirectory),
                                    as_int(QueueExit::kQueuePid),
                                    as_int(QueueExit::kQueueMess),
                                    as_int(QueueExit::kQueueIntd),
                                    as_int(QueueExit::kQueueTodo),
                                    as_int(QueueExit::kTempRefused),
                                    as_int(QueueExit::kTempSmtp),
                                    as_int(QueueExit::kTempConnect),
                                    as_int(QueueExit::kTempFilter),
                                    as_int(QueueExit::kTempOutOfOrder),
                                    as_int(QueueExit::kBug),
                                    as_int(QueueExit::kBadEnvelope)};
  std::set<int> doc = documented_codes("qmail-queue.8");
  for (int c : enum_codes) ck_assert_msg(doc.count(c), "QueueExit %d is not in qmail-queue.8", c);
  for (int c : doc)
    ck_assert_msg(enum_codes.count(c), "qmail-queue.8 lists %d, QueueExit does not", c);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("exit_codes");
  TCase* tc = tcase_create("man_pages");
  tcase_add_test(tc, queue_exit_matches_qmail_queue_8);
  suite_add_tcase(s, tc);
  return s;
}
