# src/lib/parse/smtp.mk: the parsers of what an SMTP client sends (commands,
# paths and parameters; the DATA stream), their unit tests and fuzz targets.
src_lib_libqmail_la_SOURCES += \
	src/lib/parse/smtp_command.cc \
	src/lib/parse/smtp_command.h \
	src/lib/parse/smtp_data.cc \
	src/lib/parse/smtp_data.h

check_PROGRAMS += tests/unit/check_parse_smtp_command
tests_unit_check_parse_smtp_command_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_smtp_command.cc
tests_unit_check_parse_smtp_command_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_smtp_command_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_smtp_command

check_PROGRAMS += tests/unit/check_parse_smtp_data
tests_unit_check_parse_smtp_data_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_smtp_data.cc
tests_unit_check_parse_smtp_data_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_smtp_data_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_smtp_data

check_PROGRAMS += tests/fuzz/fuzz_smtp_command
tests_fuzz_fuzz_smtp_command_SOURCES = tests/fuzz/fuzz_smtp_command.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_smtp_command_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_smtp_command_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_smtp_command
EXTRA_DIST += tests/fuzz/corpus/smtp_command

check_PROGRAMS += tests/fuzz/fuzz_smtp_data
tests_fuzz_fuzz_smtp_data_SOURCES = tests/fuzz/fuzz_smtp_data.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_smtp_data_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_smtp_data_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_smtp_data
EXTRA_DIST += tests/fuzz/corpus/smtp_data
