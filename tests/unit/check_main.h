// check_main.h: the main() every Check suite shares.  A suite file defines
// `Suite* make_suite()` and includes this header once.
#pragma once

#include <check.h>

#include <cstdlib>

Suite* make_suite();

int main() {
  SRunner* sr = srunner_create(make_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
