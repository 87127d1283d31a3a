# src/qmail-inject: the qmail-inject program (qmail-inject(8)).  Its logic
# lives in libqmail (src/lib/inject), because sendmail runs it in-process
# rather than paying one more exec per message (DESIGN §7); the RFC 822
# header and address parsers it uses live there too.
src_lib_libqmail_la_SOURCES += \
	src/lib/inject/header.cc \
	src/lib/inject/header.h \
	src/lib/inject/inject.cc \
	src/lib/inject/inject.h \
	src/lib/inject/options.cc \
	src/lib/inject/options.h \
	src/lib/inject/rewrite.cc \
	src/lib/inject/rewrite.h \
	src/lib/parse/rfc822_address.cc \
	src/lib/parse/rfc822_address.h \
	src/lib/parse/rfc822_header.cc \
	src/lib/parse/rfc822_header.h \
	src/lib/parse/rfc822_specials.h \
	src/lib/parse/rfc822_unparse.cc

bin_PROGRAMS += src/qmail-inject/qmail-inject
src_qmail_inject_qmail_inject_SOURCES = src/qmail-inject/main.cc

dist_man_MANS += \
	man/addresses.5 \
	man/qmail-header.5 \
	man/qmail-inject.8

check_PROGRAMS += tests/unit/check_parse_address
tests_unit_check_parse_address_SOURCES = tests/unit/check_parse_address.cc tests/unit/check_main.h
tests_unit_check_parse_address_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_address_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_address

check_PROGRAMS += tests/unit/check_parse_header
tests_unit_check_parse_header_SOURCES = tests/unit/check_parse_header.cc tests/unit/check_main.h
tests_unit_check_parse_header_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_header_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_header

check_PROGRAMS += tests/unit/check_qmail_inject
tests_unit_check_qmail_inject_SOURCES = tests/unit/check_qmail_inject.cc tests/unit/check_main.h
tests_unit_check_qmail_inject_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/sendmail
tests_unit_check_qmail_inject_LDADD = src/sendmail/libsendmail.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_inject

check_PROGRAMS += tests/fuzz/fuzz_address
tests_fuzz_fuzz_address_SOURCES = tests/fuzz/fuzz_address.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_address_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_address_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_address
EXTRA_DIST += tests/fuzz/corpus/address

check_PROGRAMS += tests/fuzz/fuzz_header
tests_fuzz_fuzz_header_SOURCES = tests/fuzz/fuzz_header.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_header_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_header_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_header
EXTRA_DIST += tests/fuzz/corpus/header
