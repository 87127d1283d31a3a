# src/qmail-pw2u: the qmail-pw2u program (qmail-pw2u(8)); its passwd line
# parser is src/lib/parse/passwd_line, part of libqmail.
src_lib_libqmail_la_SOURCES += \
	src/lib/parse/passwd_line.cc \
	src/lib/parse/passwd_line.h

noinst_LTLIBRARIES += src/qmail-pw2u/libpw2u.la
src_qmail_pw2u_libpw2u_la_SOURCES = \
	src/qmail-pw2u/pw2u.cc \
	src/qmail-pw2u/pw2u.h \
	src/qmail-pw2u/run.cc

bin_PROGRAMS += src/qmail-pw2u/qmail-pw2u
src_qmail_pw2u_qmail_pw2u_SOURCES = src/qmail-pw2u/main.cc
src_qmail_pw2u_qmail_pw2u_LDADD = src/qmail-pw2u/libpw2u.la $(LDADD)

dist_man_MANS += man/qmail-pw2u.8

check_PROGRAMS += tests/unit/check_parse_passwd
tests_unit_check_parse_passwd_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_passwd.cc
tests_unit_check_parse_passwd_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_passwd_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_passwd

check_PROGRAMS += tests/fuzz/fuzz_passwd_line
tests_fuzz_fuzz_passwd_line_SOURCES = tests/fuzz/fuzz_passwd_line.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_passwd_line_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_passwd_line_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_passwd_line
EXTRA_DIST += tests/fuzz/corpus/passwd_line
