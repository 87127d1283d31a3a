// Unit tests for src/lib/io: Reader and Writer over pipes.
#include <check.h>
#include <unistd.h>

#include <string>

#include "base/fd.h"
#include "check_main.h"
#include "io/reader.h"
#include "io/writer.h"

using namespace qmail;

START_TEST(getline_splits_and_reports_incomplete_last_line) {
  auto p = make_pipe();
  ck_assert(p.ok());
  ck_assert(io::write_all(p->write.get(), "one\ntwo\nthree").ok());
  p->write.reset();
  io::Reader r(p->read.get());
  std::string line;
  bool complete = false;
  ck_assert(*r.getline(line, '\n', 100, &complete));
  ck_assert_str_eq(line.c_str(), "one");
  ck_assert(complete);
  ck_assert(*r.getline(line, '\n', 100, &complete));
  ck_assert_str_eq(line.c_str(), "two");
  ck_assert(*r.getline(line, '\n', 100, &complete));
  ck_assert_str_eq(line.c_str(), "three");
  ck_assert(!complete);
  ck_assert(!*r.getline(line, '\n', 100));
}
END_TEST

START_TEST(getline_refuses_line_over_limit) {
  auto p = make_pipe();
  ck_assert(io::write_all(p->write.get(), std::string(50, 'x') + "\n").ok());
  p->write.reset();
  io::Reader r(p->read.get());
  std::string line;
  auto got = r.getline(line, '\n', 10);
  ck_assert(!got.ok());
  ck_assert(!got.error().temporary());
}
END_TEST

START_TEST(reader_times_out_on_silent_peer) {
  auto p = make_pipe();
  io::Reader r(p->read.get(), 1);
  std::string line;
  auto got = r.getline(line, '\n', 10);
  ck_assert(!got.ok());
  ck_assert_int_eq(got.error().errnum, ETIMEDOUT);
}
END_TEST

START_TEST(writer_buffers_until_flush) {
  auto p = make_pipe();
  {
    io::Writer w(p->write.get(), 0, 16);
    ck_assert(w.put("hello ").ok());
    ck_assert(w.put(std::string(40, 'y')).ok());
    ck_assert(w.put("!").ok());
    ck_assert(w.flush().ok());
  }
  p->write.reset();
  io::Reader r(p->read.get());
  std::string all;
  ck_assert(r.read_all(all, 1000).ok());
  std::string want = "hello " + std::string(40, 'y') + "!";
  ck_assert_str_eq(all.c_str(), want.c_str());
}
END_TEST

Suite* make_suite() {
  Suite* s = suite_create("io");
  TCase* tc = tcase_create("reader");
  tcase_add_test(tc, getline_splits_and_reports_incomplete_last_line);
  tcase_add_test(tc, getline_refuses_line_over_limit);
  tcase_add_test(tc, reader_times_out_on_silent_peer);
  suite_add_tcase(s, tc);
  tc = tcase_create("writer");
  tcase_add_test(tc, writer_buffers_until_flush);
  suite_add_tcase(s, tc);
  return s;
}
