# src/qmail-qread: the qmail-qread program, and the tests of qmail-qread and
# qmail-qstat on a temporary queue tree.
noinst_LTLIBRARIES += src/qmail-qread/libqmail-qread.la
src_qmail_qread_libqmail_qread_la_SOURCES = \
	src/qmail-qread/qread.cc \
	src/qmail-qread/qread.h

bin_PROGRAMS += src/qmail-qread/qmail-qread
src_qmail_qread_qmail_qread_SOURCES = \
	src/qmail-qread/main.cc
src_qmail_qread_qmail_qread_LDADD = src/qmail-qread/libqmail-qread.la $(LDADD)

dist_man_MANS += man/qmail-qread.8

check_PROGRAMS += tests/unit/check_qmail_qread
tests_unit_check_qmail_qread_SOURCES = tests/unit/check_qmail_qread.cc tests/unit/check_main.h
tests_unit_check_qmail_qread_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_qmail_qread_LDADD = \
	src/qmail-qread/libqmail-qread.la \
	src/qmail-qstat/libqmail-qstat.la \
	$(UNIT_LDADD)
TESTS += tests/unit/check_qmail_qread
