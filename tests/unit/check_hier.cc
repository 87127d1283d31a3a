// Unit tests for src/instcheck: the install manifest (parse, expand) and the
// on-disk work of qmail-hier and instcheck, in a temporary directory with the
// invoking user's own ids for every role.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>  // before check.h, whose macros upset <ostream>
#include <string>

#include <check.h>

#include "check_main.h"
#include "instcheck/hier.h"
#include "instcheck/manifest.h"

using namespace qmail;
using namespace qmail::instcheck;

namespace {

Ids own_ids() {
  Ids ids;
  ids.user = [](const std::string& role) -> Result<std::pair<std::string, uid_t>> {
    return std::pair<std::string, uid_t>{"me-as-" + role, ::getuid()};
  };
  ids.group = [](const std::string& role) -> Result<std::pair<std::string, gid_t>> {
    return std::pair<std::string, gid_t>{"us-as-" + role, ::getgid()};
  };
  return ids;
}

const Entry* find(const std::vector<Entry>& es, const std::string& path) {
  for (const auto& e : es)
    if (e.path == path) return &e;
  return nullptr;
}

std::string make_temp_home() {
  char tmpl[] = "/tmp/check_hier.XXXXXX";
  ck_assert_ptr_nonnull(::mkdtemp(tmpl));
  return std::string(tmpl) + "/q";  // not there yet: ensure_items creates it
}

void remove_home(const std::string& home) {
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(home).parent_path(), ec);
}

mode_t mode_of(const std::string& path) {
  struct stat st;
  ck_assert_int_eq(::lstat(path.c_str(), &st), 0);
  return st.st_mode;
}

std::string read_all(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY);
  ck_assert_int_ge(fd, 0);
  char buf[4096];
  for (int i = 0; i < 1000; ++i) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

void write_all(const std::string& path, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::close(fd);
}

constexpr const char* kSmall =
    "# a small home\n"
    "d . root qmail 0755\n"
    "d bin root qmail 0755\n"
    "d queue qmailq qmail 0750\n"
    "s queue/mess qmailq qmail 0750\n"
    "d queue/lock qmailq qmail 0750\n"
    "z queue/lock/tcpto qmailr qmail 0644 1024\n"
    "z queue/lock/sendmutex qmails qmail 0600 0\n"
    "p queue/lock/trigger qmails qmail 0622\n"
    "f bin/qmail-queue qmailq qmail 04711\n";

std::vector<Item> small_items(unsigned split) {
  auto entries = parse_manifest(kSmall);
  ck_assert(entries.ok());
  auto items = expand(*entries, split, own_ids());
  ck_assert(items.ok());
  return *items;
}

const Note kQuiet = [](std::string_view) {};

}  // namespace

START_TEST(shipped_manifest_has_qmail_hierarchy) {
  auto es = parse_manifest(kManifestText);
  ck_assert_msg(es.ok(), "%s", es.ok() ? "" : es.error().what.c_str());
  const Entry* q = find(*es, "bin/qmail-queue");
  ck_assert_ptr_nonnull(q);
  ck_assert_int_eq(q->mode, 04711);
  ck_assert(q->owner == "qmailq");
  const Entry* t = find(*es, "queue/lock/trigger");
  ck_assert_ptr_nonnull(t);
  ck_assert(t->kind == Kind::kFifo);
  ck_assert_int_eq(t->mode, 0622);
  const Entry* z = find(*es, "queue/lock/tcpto");
  ck_assert_ptr_nonnull(z);
  ck_assert_uint_eq(z->size, 2048);
  ck_assert(find(*es, "queue/mess")->kind == Kind::kSplitDir);
  ck_assert_int_eq(find(*es, "alias")->mode, 02755);
  ck_assert(find(*es, "boot/maildir+df") != nullptr);
  // qmail-queue is the only setuid or setgid file.
  auto n = std::count_if(es->begin(), es->end(), [](const Entry& e) {
    return e.kind != Kind::kDir && (e.mode & 06000) != 0;
  });
  ck_assert_int_eq(n, 1);
}
END_TEST

START_TEST(parse_rejects_bad_lines) {
  const char* bad[] = {
      "x bin root qmail 0755\n",            // unknown kind
      "d ../etc root qmail 0755\n",         // leaves the home
      "d /etc root qmail 0755\n",           // absolute
      "d a//b root qmail 0755\n",           // empty component
      "d bin/ root qmail 0755\n",           // trailing slash
      "d bin root qmail 755\n",             // mode without its leading 0
      "d bin root qmail 0789\n",            // not octal
      "d bin nobody qmail 0755\n",          // unknown role
      "d bin root wheel 0755\n",            // unknown group
      "z lock/x root qmail 0644\n",         // z without a size
      "d bin root qmail 0755 12\n",         // size on a directory
      "d bin root qmail\n",                 // too few fields
      "z x root qmail 0644 99999999999\n",  // absurd size
      "f . root qmail 0755\n",              // the home is a directory
  };
  for (const char* line : bad) ck_assert_msg(!parse_manifest(line).ok(), "accepted: %s", line);
  auto r = parse_manifest("# comment\n\n   \nd bin root qmail 0755\nd bin/x root qmail 0758\n");
  ck_assert(!r.ok());
  ck_assert(!r.error().temporary());
  ck_assert_msg(r.error().what.find("line 5") != std::string::npos, "%s", r.error().what.c_str());
}
END_TEST

START_TEST(expand_splits_and_resolves_roles) {
  auto items = small_items(3);
  std::vector<std::string> paths;
  for (const auto& i : items) paths.push_back(i.path);
  auto at = std::find(paths.begin(), paths.end(), "queue/mess");
  ck_assert(at != paths.end());
  ck_assert(*(at + 1) == "queue/mess/0");
  ck_assert(*(at + 3) == "queue/mess/2");
  ck_assert(*(at + 4) == "queue/lock");
  for (const auto& i : items) {
    ck_assert(i.kind != Kind::kSplitDir);
    ck_assert_int_eq(i.uid, ::getuid());
  }
  ck_assert(items[0].owner_name == "me-as-root");
  Ids failing = own_ids();
  failing.user = [](const std::string&) -> Result<std::pair<std::string, uid_t>> {
    return perm_error("no such user");
  };
  auto entries = parse_manifest(kSmall);
  ck_assert(!expand(*entries, 3, failing).ok());
}
END_TEST

START_TEST(format_mode_writes_octal) {
  ck_assert(format_mode(0755) == "0755");
  ck_assert(format_mode(04711) == "04711");
  ck_assert(format_mode(0) == "0000");
  ck_assert(format_mode(02755) == "02755");
  ck_assert(format_mode(0600) == "0600");
}
END_TEST

START_TEST(ensure_builds_the_home_and_check_agrees) {
  std::string home = make_temp_home();
  auto items = small_items(3);
  // Without bin/qmail-queue (make install's job) qmail-hier builds the rest, then fails.
  auto st = ensure_items(home, items, kQuiet);
  ck_assert(!st.ok());
  ck_assert(!st.error().temporary());
  ck_assert_msg(st.error().what == home + "/bin/qmail-queue is missing (run make install first)",
                "%s", st.error().what.c_str());
  ck_assert(S_ISFIFO(mode_of(home + "/queue/lock/trigger")));
  ck_assert_int_eq(check_items(home, items).size(), 1);
  write_all(home + "/bin/qmail-queue", "#!/bin/sh\n");
  int notes = 0;
  st = ensure_items(home, items, [&](std::string_view) { ++notes; });
  ck_assert_msg(st.ok(), "%s", st.ok() ? "" : st.error().text().c_str());
  ck_assert_int_gt(notes, 0);
  auto problems = check_items(home, items);
  ck_assert_msg(problems.empty(), "%s", problems.empty() ? "" : problems[0].c_str());
  ck_assert_int_eq(mode_of(home + "/bin/qmail-queue") & 07777, 04711);
  ck_assert(S_ISFIFO(mode_of(home + "/queue/lock/trigger")));
  ck_assert_int_eq(mode_of(home + "/queue/lock/trigger") & 07777, 0622);
  ck_assert(S_ISDIR(mode_of(home + "/queue/mess/2")));
  ck_assert_int_eq(mode_of(home + "/queue/mess/2") & 07777, 0750);
  ck_assert(read_all(home + "/queue/lock/tcpto") == std::string(1024, '\0'));
  ck_assert(read_all(home + "/queue/lock/sendmutex").empty());
  // A second run over a correct home changes nothing.
  notes = 0;
  ck_assert(ensure_items(home, items, [&](std::string_view) { ++notes; }).ok());
  ck_assert_int_eq(notes, 0);
  remove_home(home);
}
END_TEST

START_TEST(ensure_keeps_contents_and_fixes_modes) {
  std::string home = make_temp_home();
  auto items = small_items(2);
  ck_assert_int_eq(::mkdir(home.c_str(), 0700), 0);
  ck_assert_int_eq(::mkdir((home + "/bin").c_str(), 0700), 0);
  write_all(home + "/bin/qmail-queue", "x");
  ck_assert(ensure_items(home, items, kQuiet).ok());
  write_all(home + "/queue/lock/tcpto", "live timeout table");
  write_all(home + "/queue/mess/1/12345", "a queued message");
  ck_assert_int_eq(::chmod((home + "/queue").c_str(), 0777), 0);
  ck_assert_int_eq(::chmod((home + "/queue/lock/tcpto").c_str(), 0600), 0);
  auto problems = check_items(home, items);
  ck_assert_int_eq(problems.size(), 2);
  ck_assert_msg(problems[0].find("has mode 0777, should be 0750") != std::string::npos, "%s",
                problems[0].c_str());
  ck_assert(ensure_items(home, items, kQuiet).ok());
  ck_assert(check_items(home, items).empty());
  ck_assert(read_all(home + "/queue/lock/tcpto") == "live timeout table");
  ck_assert(read_all(home + "/queue/mess/1/12345") == "a queued message");
  remove_home(home);
}
END_TEST

START_TEST(check_reports_missing_and_wrong_type) {
  std::string home = make_temp_home();
  auto items = small_items(1);
  ck_assert_int_eq(::mkdir(home.c_str(), 0755), 0);
  auto problems = check_items(home, items);
  // everything but the home itself is missing
  ck_assert_int_eq(problems.size(), items.size() - 1);
  ck_assert_msg(problems[0].find("unable to stat " + home + "/bin") == 0, "%s",
                problems[0].c_str());
  ck_assert_int_eq(::mkdir((home + "/bin").c_str(), 0755), 0);
  ck_assert_int_eq(::mkdir((home + "/bin/qmail-queue").c_str(), 0755), 0);
  problems = check_items(home, items);
  ck_assert(std::any_of(problems.begin(), problems.end(), [](const std::string& p) {
    return p.find("qmail-queue is not a regular file") != std::string::npos;
  }));
  // qmail-hier refuses too, without removing anything.
  auto st = ensure_items(home, items, kQuiet);
  ck_assert(!st.ok());
  ck_assert(S_ISDIR(mode_of(home + "/bin/qmail-queue")));
  remove_home(home);
}
END_TEST

START_TEST(ensure_does_not_follow_planted_links) {
  std::string home = make_temp_home();
  auto items = small_items(1);
  ck_assert_int_eq(::mkdir(home.c_str(), 0755), 0);
  ck_assert_int_eq(::mkdir((home + "/bin").c_str(), 0755), 0);
  write_all(home + "/bin/qmail-queue", "x");
  ck_assert_int_eq(::mkdir((home + "/queue").c_str(), 0750), 0);
  ck_assert_int_eq(::mkdir((home + "/queue/lock").c_str(), 0750), 0);
  std::string victim = std::filesystem::path(home).parent_path().string() + "/victim";
  write_all(victim, "secret");
  ck_assert_int_eq(::chmod(victim.c_str(), 0600), 0);
  ck_assert_int_eq(::symlink(victim.c_str(), (home + "/queue/lock/tcpto").c_str()), 0);
  ck_assert(!ensure_items(home, items, kQuiet).ok());
  ck_assert_int_eq(mode_of(victim) & 07777, 0600);
  ck_assert(read_all(victim) == "secret");
  remove_home(home);
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("hier");
  TCase* tc = tcase_create("parse_manifest");
  tcase_add_test(tc, shipped_manifest_has_qmail_hierarchy);
  tcase_add_test(tc, parse_rejects_bad_lines);
  suite_add_tcase(s, tc);
  tc = tcase_create("expand");
  tcase_add_test(tc, expand_splits_and_resolves_roles);
  suite_add_tcase(s, tc);
  tc = tcase_create("format_mode");
  tcase_add_test(tc, format_mode_writes_octal);
  suite_add_tcase(s, tc);
  tc = tcase_create("ensure_items");
  tcase_add_test(tc, ensure_builds_the_home_and_check_agrees);
  tcase_add_test(tc, ensure_keeps_contents_and_fixes_modes);
  tcase_add_test(tc, ensure_does_not_follow_planted_links);
  suite_add_tcase(s, tc);
  tc = tcase_create("check_items");
  tcase_add_test(tc, check_reports_missing_and_wrong_type);
  suite_add_tcase(s, tc);
  return s;
}
