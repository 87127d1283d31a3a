# src/lib/net: IP addresses and this host's addresses (in libqmail), and
# internationalized domain names (libqmailidn.la: only the programs that need
# it link it, e.g. qmail-smtpd).  libidn2 itself is loaded with dlopen when a
# UTF-8 name first needs it (idn.cc says why), so only its header is used here.
src_lib_libqmail_la_SOURCES += \
	src/lib/net/connect.cc \
	src/lib/net/connect.h \
	src/lib/net/ip.cc \
	src/lib/net/ip.h \
	src/lib/net/ipme.cc \
	src/lib/net/ipme.h

noinst_LTLIBRARIES += src/lib/net/libqmailidn.la
src_lib_net_libqmailidn_la_SOURCES = \
	src/lib/net/idn.cc \
	src/lib/net/idn.h
src_lib_net_libqmailidn_la_CPPFLAGS = $(AM_CPPFLAGS) $(IDN2_CFLAGS)

check_PROGRAMS += tests/unit/check_net
tests_unit_check_net_SOURCES = tests/unit/check_net.cc tests/unit/check_main.h
tests_unit_check_net_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_net_LDADD = src/lib/net/libqmailidn.la $(UNIT_LDADD)
TESTS += tests/unit/check_net

check_PROGRAMS += tests/fuzz/fuzz_ip_literal
tests_fuzz_fuzz_ip_literal_SOURCES = tests/fuzz/fuzz_ip_literal.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_ip_literal_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_ip_literal_LDFLAGS = $(QM_FUZZ_LD)
tests_fuzz_fuzz_ip_literal_LDADD = src/lib/net/libqmailidn.la $(LDADD)
TESTS += tests/fuzz/fuzz_ip_literal
EXTRA_DIST += tests/fuzz/corpus/ip_literal
