# src/qmail-start: the qmail-start program (qmail-start(8)).
noinst_LTLIBRARIES += src/qmail-start/libqmailstart.la
src_qmail_start_libqmailstart_la_SOURCES = \
	src/qmail-start/start.cc \
	src/qmail-start/start.h

bin_PROGRAMS += src/qmail-start/qmail-start
src_qmail_start_qmail_start_SOURCES = src/qmail-start/main.cc
src_qmail_start_qmail_start_LDADD = src/qmail-start/libqmailstart.la $(LDADD)

check_PROGRAMS += tests/unit/check_qmail_start
tests_unit_check_qmail_start_SOURCES = tests/unit/check_qmail_start.cc tests/unit/check_main.h
tests_unit_check_qmail_start_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_qmail_start_LDADD = src/qmail-start/libqmailstart.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_start

dist_man_MANS += man/qmail-start.8
