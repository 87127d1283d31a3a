# src/qmail-newmrh: qmail-newmrh(8), control/morercpthosts into its cdb.
noinst_LTLIBRARIES += src/qmail-newmrh/libqmail-newmrh.la
src_qmail_newmrh_libqmail_newmrh_la_SOURCES = \
	src/qmail-newmrh/newmrh.cc \
	src/qmail-newmrh/newmrh.h

bin_PROGRAMS += src/qmail-newmrh/qmail-newmrh
src_qmail_newmrh_qmail_newmrh_SOURCES = src/qmail-newmrh/main.cc
src_qmail_newmrh_qmail_newmrh_LDADD = src/qmail-newmrh/libqmail-newmrh.la $(LDADD)

dist_man_MANS += man/qmail-newmrh.8

TESTS += tests/integration/qmail-newmrh-builds-cdb.test
EXTRA_DIST += tests/integration/qmail-newmrh-builds-cdb.test

check_PROGRAMS += tests/unit/check_newmrh
tests_unit_check_newmrh_SOURCES = tests/unit/check_main.h tests/unit/check_newmrh.cc
tests_unit_check_newmrh_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_newmrh_LDADD = src/qmail-newmrh/libqmail-newmrh.la $(UNIT_LDADD)
TESTS += tests/unit/check_newmrh
