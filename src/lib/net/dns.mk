# src/lib/net/dns.mk: the DNS stub resolver qmail-remote uses (net/dns) and the
# parser of the answers it receives (parse/dns_message), in libqmail; their
# Check suites (the resolver's runs a fake nameserver on 127.0.0.1 in a
# thread) and the fuzz target of the answer parser.
src_lib_libqmail_la_SOURCES += \
	src/lib/net/dns.cc \
	src/lib/net/dns.h \
	src/lib/parse/dns_message.cc \
	src/lib/parse/dns_message.h

check_PROGRAMS += tests/unit/check_dns
tests_unit_check_dns_SOURCES = \
	tests/unit/check_dns.cc \
	tests/unit/check_main.h
tests_unit_check_dns_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_dns_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_dns

check_PROGRAMS += tests/unit/check_resolver
tests_unit_check_resolver_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_resolver.cc
tests_unit_check_resolver_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_resolver_CXXFLAGS = $(AM_CXXFLAGS) -pthread
tests_unit_check_resolver_LDFLAGS = $(AM_LDFLAGS) -pthread
tests_unit_check_resolver_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_resolver

check_PROGRAMS += tests/fuzz/fuzz_dns_answer
tests_fuzz_fuzz_dns_answer_SOURCES = tests/fuzz/fuzz_dns_answer.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_dns_answer_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_dns_answer_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_dns_answer
EXTRA_DIST += tests/fuzz/corpus/dns_answer
