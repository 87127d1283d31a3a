# src/lib/net/tcpto.mk: qmail-remote's table of hosts that timed out
# (queue/lock/tcpto, in libqmail), the two programs that print and clear it,
# qmail-tcpto and qmail-tcpok (each a lib<prog>.la plus main.cc), their man
# pages and their unit tests.
src_lib_libqmail_la_SOURCES += \
	src/lib/net/tcpto.cc \
	src/lib/net/tcpto.h

noinst_LTLIBRARIES += src/qmail-tcpto/libqmail-tcpto.la
src_qmail_tcpto_libqmail_tcpto_la_SOURCES = \
	src/qmail-tcpto/tcpto_print.cc \
	src/qmail-tcpto/tcpto_print.h

bin_PROGRAMS += src/qmail-tcpto/qmail-tcpto
src_qmail_tcpto_qmail_tcpto_SOURCES = src/qmail-tcpto/main.cc
src_qmail_tcpto_qmail_tcpto_LDADD = src/qmail-tcpto/libqmail-tcpto.la $(LDADD)

noinst_LTLIBRARIES += src/qmail-tcpok/libqmail-tcpok.la
src_qmail_tcpok_libqmail_tcpok_la_SOURCES = \
	src/qmail-tcpok/tcpok.cc \
	src/qmail-tcpok/tcpok.h

bin_PROGRAMS += src/qmail-tcpok/qmail-tcpok
src_qmail_tcpok_qmail_tcpok_SOURCES = src/qmail-tcpok/main.cc
src_qmail_tcpok_qmail_tcpok_LDADD = src/qmail-tcpok/libqmail-tcpok.la $(LDADD)

dist_man_MANS += \
	man/qmail-tcpok.8 \
	man/qmail-tcpto.8

check_PROGRAMS += tests/unit/check_tcpto
tests_unit_check_tcpto_SOURCES = tests/unit/check_main.h tests/unit/check_tcpto.cc
tests_unit_check_tcpto_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_tcpto_LDADD = \
	src/qmail-tcpok/libqmail-tcpok.la \
	src/qmail-tcpto/libqmail-tcpto.la \
	$(UNIT_LDADD)
TESTS += tests/unit/check_tcpto
