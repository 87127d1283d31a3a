# src/qmail-clean: the qmail-clean program
# program headers are included as "qmail-clean/name.h"
QM_CLEAN_CPPFLAGS = -I$(top_srcdir)/src
noinst_LTLIBRARIES += src/qmail-clean/libclean.la
src_qmail_clean_libclean_la_CPPFLAGS = $(AM_CPPFLAGS) $(QM_CLEAN_CPPFLAGS)
src_qmail_clean_libclean_la_SOURCES = \
	src/qmail-clean/clean.cc \
	src/qmail-clean/clean.h

bin_PROGRAMS += src/qmail-clean/qmail-clean
src_qmail_clean_qmail_clean_SOURCES = src/qmail-clean/main.cc
src_qmail_clean_qmail_clean_CPPFLAGS = $(AM_CPPFLAGS) $(QM_CLEAN_CPPFLAGS)
src_qmail_clean_qmail_clean_LDADD = src/qmail-clean/libclean.la $(LDADD)

check_PROGRAMS += tests/unit/check_qmail_clean
tests_unit_check_qmail_clean_SOURCES = tests/unit/check_main.h tests/unit/check_qmail_clean.cc
tests_unit_check_qmail_clean_CPPFLAGS = $(UNIT_CPPFLAGS) $(QM_CLEAN_CPPFLAGS)
tests_unit_check_qmail_clean_LDADD = src/qmail-clean/libclean.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_clean

dist_man_MANS += man/qmail-clean.8
