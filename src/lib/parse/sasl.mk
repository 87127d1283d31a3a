# src/lib/parse/sasl.mk: SMTP AUTH support in libqmail: the SASL response
# parsers (parse/sasl) and the checkpassword runner (sys/checkpassword), their
# Check suites, the fuzz target, and the checkpassword stand-in that the
# integration tests use.
src_lib_libqmail_la_SOURCES += \
	src/lib/parse/sasl.cc \
	src/lib/parse/sasl.h \
	src/lib/sys/checkpassword.cc \
	src/lib/sys/checkpassword.h

check_PROGRAMS += tests/unit/check_parse_sasl
tests_unit_check_parse_sasl_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_sasl.cc
tests_unit_check_parse_sasl_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_sasl_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_sasl

check_PROGRAMS += tests/unit/check_checkpassword
tests_unit_check_checkpassword_SOURCES = \
	tests/unit/check_checkpassword.cc \
	tests/unit/check_main.h
tests_unit_check_checkpassword_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_checkpassword_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_checkpassword

check_PROGRAMS += tests/fuzz/fuzz_sasl
tests_fuzz_fuzz_sasl_SOURCES = tests/fuzz/fuzz_sasl.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_sasl_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_sasl_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_sasl
EXTRA_DIST += tests/fuzz/corpus/sasl

EXTRA_DIST += tests/integration/lib/checkpassword-test
