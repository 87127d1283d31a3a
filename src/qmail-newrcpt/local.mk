# src/qmail-newrcpt: recipient checking at SMTP time.  The lookup qmail-smtpd
# uses (control/recipients) goes into libqmail; qmail-newrcpt builds the cdb.
src_lib_libqmail_la_SOURCES += \
	src/lib/control/recipients.cc \
	src/lib/control/recipients.h

noinst_LTLIBRARIES += src/qmail-newrcpt/libqmail-newrcpt.la
src_qmail_newrcpt_libqmail_newrcpt_la_SOURCES = \
	src/qmail-newrcpt/keys.cc \
	src/qmail-newrcpt/keys.h \
	src/qmail-newrcpt/newrcpt.cc \
	src/qmail-newrcpt/newrcpt.h

bin_PROGRAMS += src/qmail-newrcpt/qmail-newrcpt
src_qmail_newrcpt_qmail_newrcpt_SOURCES = src/qmail-newrcpt/main.cc
src_qmail_newrcpt_qmail_newrcpt_LDADD = src/qmail-newrcpt/libqmail-newrcpt.la $(LDADD)

dist_man_MANS += man/qmail-newrcpt.8

# a test helper for the integration test: RecipientMap's verdicts for addresses
check_PROGRAMS += src/qmail-newrcpt/check-recipient
src_qmail_newrcpt_check_recipient_SOURCES = src/qmail-newrcpt/check_recipient.cc

check_PROGRAMS += tests/unit/check_recipients
tests_unit_check_recipients_SOURCES = tests/unit/check_main.h tests/unit/check_recipients.cc
tests_unit_check_recipients_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_recipients_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_recipients

check_PROGRAMS += tests/unit/check_qmail_newrcpt
tests_unit_check_qmail_newrcpt_SOURCES = tests/unit/check_main.h tests/unit/check_qmail_newrcpt.cc
tests_unit_check_qmail_newrcpt_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_qmail_newrcpt_LDADD = src/qmail-newrcpt/libqmail-newrcpt.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_newrcpt

# with the other sandbox tests (tests/integration/local.mk)
TESTS += tests/integration/qmail-newrcpt-builds-recipients.test
EXTRA_DIST += tests/integration/qmail-newrcpt-builds-recipients.test
