# src/qmail-smtpd: qmail-smtpd (plain SMTP, linked without OpenSSL) and
# qmail-smtpd-tls (the same session inside TLS, exec'd on STARTTLS or SMTPS).
noinst_LTLIBRARIES += src/qmail-smtpd/libqmail-smtpd.la
src_qmail_smtpd_libqmail_smtpd_la_SOURCES = \
	src/qmail-smtpd/auth.cc \
	src/qmail-smtpd/data.cc \
	src/qmail-smtpd/policy.cc \
	src/qmail-smtpd/policy.h \
	src/qmail-smtpd/rcpt_check.cc \
	src/qmail-smtpd/rcpt_check.h \
	src/qmail-smtpd/session.cc \
	src/qmail-smtpd/session.h \
	src/qmail-smtpd/settings.cc \
	src/qmail-smtpd/settings.h \
	src/qmail-smtpd/smtpd.cc \
	src/qmail-smtpd/smtpd.h
src_qmail_smtpd_libqmail_smtpd_la_LIBADD = src/lib/net/libqmailidn.la

bin_PROGRAMS += src/qmail-smtpd/qmail-smtpd
src_qmail_smtpd_qmail_smtpd_SOURCES = src/qmail-smtpd/main.cc
src_qmail_smtpd_qmail_smtpd_LDADD = src/qmail-smtpd/libqmail-smtpd.la $(LDADD)

if HAVE_TLS
bin_PROGRAMS += src/qmail-smtpd/qmail-smtpd-tls
src_qmail_smtpd_qmail_smtpd_tls_SOURCES = \
	src/qmail-smtpd/main_tls.cc \
	src/qmail-smtpd/smtpd_tls.cc
src_qmail_smtpd_qmail_smtpd_tls_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS)
src_qmail_smtpd_qmail_smtpd_tls_LDADD = src/qmail-smtpd/libqmail-smtpd.la \
	src/lib/tls/libqmailtls.la $(LDADD) $(OPENSSL_LIBS)
endif

dist_man_MANS += \
	man/qmail-smtpd-tls.8 \
	man/qmail-smtpd.8

check_PROGRAMS += tests/unit/check_qmail_smtpd
tests_unit_check_qmail_smtpd_SOURCES = tests/unit/check_qmail_smtpd.cc tests/unit/check_main.h
tests_unit_check_qmail_smtpd_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src -I$(top_srcdir)/src/qmail-smtpd
tests_unit_check_qmail_smtpd_LDADD = src/qmail-smtpd/libqmail-smtpd.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_smtpd
