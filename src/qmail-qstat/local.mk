# src/qmail-qstat: the qmail-qstat program.  Its tests are in
# tests/unit/check_qmail_qread (see src/qmail-qread/local.mk).
noinst_LTLIBRARIES += src/qmail-qstat/libqmail-qstat.la
src_qmail_qstat_libqmail_qstat_la_SOURCES = \
	src/qmail-qstat/qstat.cc \
	src/qmail-qstat/qstat.h

bin_PROGRAMS += src/qmail-qstat/qmail-qstat
src_qmail_qstat_qmail_qstat_SOURCES = \
	src/qmail-qstat/main.cc
src_qmail_qstat_qmail_qstat_LDADD = src/qmail-qstat/libqmail-qstat.la $(LDADD)

dist_man_MANS += man/qmail-qstat.8
