# tests/fuzz: a libFuzzer target for every parser of untrusted input.  Without
# --enable-fuzzing each target is linked with replay_main.cc, and make check
# replays its seeds in tests/fuzz/corpus/<name>/.  Programs add targets as
#   check_PROGRAMS += tests/fuzz/fuzz_NAME
#   tests_fuzz_fuzz_NAME_SOURCES = tests/fuzz/fuzz_NAME.cc $(QM_FUZZ_MAIN)
#   tests_fuzz_fuzz_NAME_CXXFLAGS = $(QM_FUZZ_CXX)
#   tests_fuzz_fuzz_NAME_LDFLAGS = $(QM_FUZZ_LD)
#   TESTS += tests/fuzz/fuzz_NAME
#   EXTRA_DIST += tests/fuzz/corpus/NAME
if FUZZING
QM_FUZZ_MAIN =
QM_FUZZ_CXX = $(AM_CXXFLAGS) -fsanitize=fuzzer
QM_FUZZ_LD = $(AM_LDFLAGS) -fsanitize=fuzzer
else
QM_FUZZ_MAIN = tests/fuzz/replay_main.cc
QM_FUZZ_CXX = $(AM_CXXFLAGS)
QM_FUZZ_LD = $(AM_LDFLAGS)
endif
EXTRA_DIST += tests/fuzz/replay_main.cc
