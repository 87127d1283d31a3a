# src/lib/tls: the STARTTLS streams (OpenSSL), server and client.  A library of its
# own, apart from libqmail, so that only qmail-smtpd-tls and qmail-remote link
# libssl and libcrypto.
# fingerprint.h is header-only: qmail-remote reads its control files with it
# also when built without TLS.
EXTRA_DIST += src/lib/tls/fingerprint.h
if HAVE_TLS
noinst_LTLIBRARIES += src/lib/tls/libqmailtls.la
src_lib_tls_libqmailtls_la_SOURCES = \
	src/lib/tls/client.cc \
	src/lib/tls/client.h \
	src/lib/tls/server.cc \
	src/lib/tls/server.h
src_lib_tls_libqmailtls_la_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS)
src_lib_tls_libqmailtls_la_LIBADD = $(OPENSSL_LIBS)

check_PROGRAMS += tests/unit/check_tls_server
tests_unit_check_tls_server_SOURCES = tests/unit/check_tls_server.cc tests/unit/check_main.h
tests_unit_check_tls_server_CPPFLAGS = $(UNIT_CPPFLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_tls_server_LDADD = src/lib/tls/libqmailtls.la $(UNIT_LDADD) $(OPENSSL_LIBS)
TESTS += tests/unit/check_tls_server

check_PROGRAMS += tests/unit/check_tls_client
tests_unit_check_tls_client_SOURCES = tests/unit/check_tls_client.cc tests/unit/check_main.h
tests_unit_check_tls_client_CPPFLAGS = $(UNIT_CPPFLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_tls_client_LDADD = src/lib/tls/libqmailtls.la $(UNIT_LDADD) $(OPENSSL_LIBS)
TESTS += tests/unit/check_tls_client
endif
