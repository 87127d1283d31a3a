# src/lib/parse/smtp_client.mk: the parsers qmail-remote needs as an SMTP
# client (the server's replies and EHLO keywords; the dot-stuffing encoder of
# the DATA stream and the scan that sizes it), their unit tests and fuzz targets.
src_lib_libqmail_la_SOURCES += \
	src/lib/parse/smtp_dot.cc \
	src/lib/parse/smtp_dot.h \
	src/lib/parse/smtp_reply.cc \
	src/lib/parse/smtp_reply.h

check_PROGRAMS += tests/unit/check_parse_smtp_dot
tests_unit_check_parse_smtp_dot_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_smtp_dot.cc
tests_unit_check_parse_smtp_dot_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_smtp_dot_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_smtp_dot

check_PROGRAMS += tests/unit/check_parse_smtp_reply
tests_unit_check_parse_smtp_reply_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_smtp_reply.cc
tests_unit_check_parse_smtp_reply_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_smtp_reply_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_smtp_reply

check_PROGRAMS += tests/fuzz/fuzz_smtp_dot
tests_fuzz_fuzz_smtp_dot_SOURCES = tests/fuzz/fuzz_smtp_dot.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_smtp_dot_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_smtp_dot_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_smtp_dot
EXTRA_DIST += tests/fuzz/corpus/smtp_dot

check_PROGRAMS += tests/fuzz/fuzz_smtp_reply
tests_fuzz_fuzz_smtp_reply_SOURCES = tests/fuzz/fuzz_smtp_reply.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_smtp_reply_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_smtp_reply_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_smtp_reply
EXTRA_DIST += tests/fuzz/corpus/smtp_reply
