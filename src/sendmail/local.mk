# src/sendmail: the sendmail compatibility wrapper (sendmail(8)); it runs
# qmail-inject, qmail-qread (-bp, mailq) or qmail-smtpd (-bs).  Its tests are
# in tests/unit/check_qmail_inject.cc (see src/qmail-inject/local.mk).  It runs
# qmail-inject in-process (src/lib/inject).
noinst_LTLIBRARIES += src/sendmail/libsendmail.la
src_sendmail_libsendmail_la_SOURCES = \
	src/sendmail/sendmail.cc \
	src/sendmail/sendmail.h

bin_PROGRAMS += src/sendmail/sendmail
src_sendmail_sendmail_SOURCES = src/sendmail/main.cc
src_sendmail_sendmail_LDADD = src/sendmail/libsendmail.la $(LDADD)

dist_man_MANS += man/sendmail.8
