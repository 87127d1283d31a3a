# src/qmail-local: the qmail-local program, the .qmail parser and the mailbox
# writers it uses (in libqmail, shared with maildir2mbox).
src_lib_libqmail_la_SOURCES += \
	src/lib/mailbox/lines.cc \
	src/lib/mailbox/lines.h \
	src/lib/mailbox/maildir.cc \
	src/lib/mailbox/maildir.h \
	src/lib/mailbox/mbox.cc \
	src/lib/mailbox/mbox.h \
	src/lib/parse/dot_qmail.cc \
	src/lib/parse/dot_qmail.h

noinst_LTLIBRARIES += src/qmail-local/libqmail-local.la
src_qmail_local_libqmail_local_la_SOURCES = \
	src/qmail-local/deliver.cc \
	src/qmail-local/deliver.h \
	src/qmail-local/environ.cc \
	src/qmail-local/environ.h \
	src/qmail-local/local.cc \
	src/qmail-local/local.h

bin_PROGRAMS += src/qmail-local/qmail-local
src_qmail_local_qmail_local_SOURCES = src/qmail-local/main.cc
src_qmail_local_qmail_local_LDADD = src/qmail-local/libqmail-local.la $(LDADD)

dist_man_MANS += \
	man/dot-qmail.5 \
	man/maildir.5 \
	man/mbox.5 \
	man/qmail-local.8

check_PROGRAMS += tests/unit/check_parse_dot_qmail
tests_unit_check_parse_dot_qmail_SOURCES = tests/unit/check_parse_dot_qmail.cc tests/unit/check_main.h
tests_unit_check_parse_dot_qmail_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_dot_qmail_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_dot_qmail

check_PROGRAMS += tests/unit/check_mailbox
tests_unit_check_mailbox_SOURCES = tests/unit/check_mailbox.cc tests/unit/check_main.h
tests_unit_check_mailbox_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_mailbox_LDADD = src/maildir2mbox/libmaildir2mbox.la $(UNIT_LDADD)
TESTS += tests/unit/check_mailbox

# check_qmail_local also runs the built qmail-local binary.
check_PROGRAMS += tests/unit/check_qmail_local
tests_unit_check_qmail_local_SOURCES = tests/unit/check_qmail_local.cc tests/unit/check_main.h
tests_unit_check_qmail_local_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_qmail_local_LDADD = src/qmail-local/libqmail-local.la $(UNIT_LDADD)
EXTRA_tests_unit_check_qmail_local_DEPENDENCIES = src/qmail-local/qmail-local$(EXEEXT)
TESTS += tests/unit/check_qmail_local

check_PROGRAMS += tests/fuzz/fuzz_dot_qmail
tests_fuzz_fuzz_dot_qmail_SOURCES = tests/fuzz/fuzz_dot_qmail.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_dot_qmail_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_dot_qmail_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_dot_qmail
EXTRA_DIST += tests/fuzz/corpus/dot_qmail

dist_man_MANS += man/qmail-command.8
