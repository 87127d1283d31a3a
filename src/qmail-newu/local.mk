# src/qmail-newu: the qmail-newu program, and the cdb writer in libqmail.
src_lib_libqmail_la_SOURCES += \
	src/lib/control/cdb_make.cc \
	src/lib/control/cdb_make.h

noinst_LTLIBRARIES += src/qmail-newu/libqmail-newu.la
src_qmail_newu_libqmail_newu_la_SOURCES = \
	src/qmail-newu/newu.cc \
	src/qmail-newu/newu.h

bin_PROGRAMS += src/qmail-newu/qmail-newu
src_qmail_newu_qmail_newu_SOURCES = src/qmail-newu/main.cc
src_qmail_newu_qmail_newu_LDADD = src/qmail-newu/libqmail-newu.la $(LDADD)

dist_man_MANS += man/qmail-newu.8 man/qmail-users.5

check_PROGRAMS += tests/unit/check_cdb
tests_unit_check_cdb_SOURCES = tests/unit/check_cdb.cc tests/unit/check_main.h
tests_unit_check_cdb_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_cdb_LDADD = src/qmail-newu/libqmail-newu.la $(UNIT_LDADD)
TESTS += tests/unit/check_cdb

check_PROGRAMS += tests/unit/check_parse_users_assign
tests_unit_check_parse_users_assign_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_users_assign.cc
tests_unit_check_parse_users_assign_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_users_assign_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_users_assign

check_PROGRAMS += tests/fuzz/fuzz_users_assign
tests_fuzz_fuzz_users_assign_SOURCES = tests/fuzz/fuzz_users_assign.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_users_assign_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_users_assign_LDFLAGS = $(QM_FUZZ_LD)
tests_fuzz_fuzz_users_assign_LDADD = $(LDADD)
TESTS += tests/fuzz/fuzz_users_assign
EXTRA_DIST += tests/fuzz/corpus/users_assign

check_PROGRAMS += tests/fuzz/fuzz_cdb
tests_fuzz_fuzz_cdb_SOURCES = tests/fuzz/fuzz_cdb.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_cdb_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_cdb_LDFLAGS = $(QM_FUZZ_LD)
tests_fuzz_fuzz_cdb_LDADD = $(LDADD)
TESTS += tests/fuzz/fuzz_cdb
EXTRA_DIST += tests/fuzz/corpus/cdb
