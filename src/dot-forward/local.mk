# src/dot-forward: the dot-forward program (dot-forward(1)); its parser is
# src/lib/parse/dot_forward, part of libqmail.
src_lib_libqmail_la_SOURCES += \
	src/lib/parse/dot_forward.cc \
	src/lib/parse/dot_forward.h

noinst_LTLIBRARIES += src/dot-forward/libdotforward.la
src_dot_forward_libdotforward_la_SOURCES = \
	src/dot-forward/deliver.cc \
	src/dot-forward/dot_forward.cc \
	src/dot-forward/dot_forward.h

bin_PROGRAMS += src/dot-forward/dot-forward
src_dot_forward_dot_forward_SOURCES = src/dot-forward/main.cc
src_dot_forward_dot_forward_LDADD = src/dot-forward/libdotforward.la $(LDADD)

dist_man_MANS += man/dot-forward.1

check_PROGRAMS += tests/unit/check_parse_dot_forward
tests_unit_check_parse_dot_forward_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_dot_forward.cc
tests_unit_check_parse_dot_forward_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_dot_forward_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_dot_forward

check_PROGRAMS += tests/fuzz/fuzz_dot_forward
tests_fuzz_fuzz_dot_forward_SOURCES = tests/fuzz/fuzz_dot_forward.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_dot_forward_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_dot_forward_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_dot_forward
EXTRA_DIST += tests/fuzz/corpus/dot_forward
