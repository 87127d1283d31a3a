# src/qmail-remote: qmail-remote, the SMTP client of qmail-rspawn.  The parts
# that need OpenSSL (STARTTLS, CRAM-MD5) are in tls_client.cc; without TLS,
# tls_none.cc takes their place and destinations that require TLS are deferred.
noinst_LTLIBRARIES += src/qmail-remote/libqmail-remote.la
src_qmail_remote_libqmail_remote_la_SOURCES = \
	src/qmail-remote/cache.cc \
	src/qmail-remote/cache.h \
	src/qmail-remote/plan.cc \
	src/qmail-remote/plan.h \
	src/qmail-remote/remote.cc \
	src/qmail-remote/remote.h \
	src/qmail-remote/session.cc \
	src/qmail-remote/session.h \
	src/qmail-remote/settings.cc \
	src/qmail-remote/settings.h \
	src/qmail-remote/targets.cc \
	src/qmail-remote/targets.h \
	src/qmail-remote/tls_client.h
src_qmail_remote_libqmail_remote_la_LIBADD = src/lib/net/libqmailidn.la
src_qmail_remote_libqmail_remote_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
if HAVE_TLS
src_qmail_remote_libqmail_remote_la_SOURCES += src/qmail-remote/tls_client.cc
src_qmail_remote_libqmail_remote_la_CPPFLAGS += $(OPENSSL_CFLAGS)
src_qmail_remote_libqmail_remote_la_LIBADD += src/lib/tls/libqmailtls.la $(OPENSSL_LIBS)
else
src_qmail_remote_libqmail_remote_la_SOURCES += src/qmail-remote/tls_none.cc
endif
EXTRA_DIST += src/qmail-remote/tls_client.cc src/qmail-remote/tls_none.cc

bin_PROGRAMS += src/qmail-remote/qmail-remote
src_qmail_remote_qmail_remote_SOURCES = src/qmail-remote/main.cc
src_qmail_remote_qmail_remote_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
src_qmail_remote_qmail_remote_LDADD = src/qmail-remote/libqmail-remote.la $(LDADD)

dist_man_MANS += man/qmail-remote.8

check_PROGRAMS += tests/unit/check_qmail_remote
tests_unit_check_qmail_remote_SOURCES = tests/unit/check_qmail_remote.cc tests/unit/check_main.h
tests_unit_check_qmail_remote_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_qmail_remote_LDADD = src/qmail-remote/libqmail-remote.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_remote
