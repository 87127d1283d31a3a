# src/qmail-rspawn: the qmail-rspawn program (its driver is src/lib/queue/spawn,
# registered in src/qmail-lspawn/local.mk).
noinst_LTLIBRARIES += src/qmail-rspawn/libqmail-rspawn.la
src_qmail_rspawn_libqmail_rspawn_la_SOURCES = \
	src/qmail-rspawn/rspawn.cc \
	src/qmail-rspawn/rspawn.h

bin_PROGRAMS += src/qmail-rspawn/qmail-rspawn
src_qmail_rspawn_qmail_rspawn_SOURCES = src/qmail-rspawn/main.cc
src_qmail_rspawn_qmail_rspawn_LDADD = src/qmail-rspawn/libqmail-rspawn.la $(LDADD)

dist_man_MANS += man/qmail-rspawn.8

check_PROGRAMS += tests/unit/check_spawn
tests_unit_check_spawn_SOURCES = tests/unit/check_main.h tests/unit/check_spawn.cc
tests_unit_check_spawn_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_spawn_LDADD = \
	src/qmail-lspawn/libqmail-lspawn.la \
	src/qmail-rspawn/libqmail-rspawn.la \
	$(UNIT_LDADD)
TESTS += tests/unit/check_spawn

check_PROGRAMS += tests/fuzz/fuzz_remote_report
tests_fuzz_fuzz_remote_report_SOURCES = tests/fuzz/fuzz_remote_report.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_remote_report_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
tests_fuzz_fuzz_remote_report_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_remote_report_LDFLAGS = $(QM_FUZZ_LD)
tests_fuzz_fuzz_remote_report_LDADD = src/qmail-rspawn/libqmail-rspawn.la $(LDADD)
TESTS += tests/fuzz/fuzz_remote_report
EXTRA_DIST += tests/fuzz/corpus/remote_report
