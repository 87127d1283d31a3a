# src/qmail-queue: the qmail-queue program, and the library code it brings:
# the envelope parser (also read by qmail-send and qmail-qread) and the
# queue scanning helpers.
src_lib_libqmail_la_SOURCES += \
	src/lib/parse/envelope.cc \
	src/lib/parse/envelope.h \
	src/lib/queue/message_file.cc \
	src/lib/queue/message_file.h

noinst_LTLIBRARIES += src/qmail-queue/libqmail-queue.la
src_qmail_queue_libqmail_queue_la_SOURCES = \
	src/qmail-queue/queue.cc \
	src/qmail-queue/queue.h

bin_PROGRAMS += src/qmail-queue/qmail-queue
src_qmail_queue_qmail_queue_SOURCES = \
	src/qmail-queue/main.cc
src_qmail_queue_qmail_queue_LDADD = src/qmail-queue/libqmail-queue.la $(LDADD)

dist_man_MANS += \
	man/envelopes.5 \
	man/qmail-queue.8

check_PROGRAMS += tests/unit/check_parse_envelope
tests_unit_check_parse_envelope_SOURCES = tests/unit/check_parse_envelope.cc tests/unit/check_main.h
tests_unit_check_parse_envelope_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_envelope_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_envelope

check_PROGRAMS += tests/unit/check_qmail_queue
tests_unit_check_qmail_queue_SOURCES = tests/unit/check_qmail_queue.cc tests/unit/check_main.h
tests_unit_check_qmail_queue_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_qmail_queue_LDADD = src/qmail-queue/libqmail-queue.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_queue

check_PROGRAMS += tests/fuzz/fuzz_envelope
tests_fuzz_fuzz_envelope_SOURCES = tests/fuzz/fuzz_envelope.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_envelope_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_envelope_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_envelope
EXTRA_DIST += tests/fuzz/corpus/envelope
