# src/qmail-send: the qmail-send program
# queue record files, shared with the queue readers
src_lib_libqmail_la_SOURCES += \
	src/lib/queue/records.cc \
	src/lib/queue/records.h

# program headers are included as "qmail-send/name.h"
QM_SEND_CPPFLAGS = -I$(top_srcdir)/src
noinst_LTLIBRARIES += src/qmail-send/libsend.la
src_qmail_send_libsend_la_CPPFLAGS = $(AM_CPPFLAGS) $(QM_SEND_CPPFLAGS)
src_qmail_send_libsend_la_SOURCES = \
	src/qmail-send/bounce.cc \
	src/qmail-send/bounce.h \
	src/qmail-send/bounce_text.cc \
	src/qmail-send/bounce_text.h \
	src/qmail-send/log.cc \
	src/qmail-send/log.h \
	src/qmail-send/peers.cc \
	src/qmail-send/peers.h \
	src/qmail-send/report.cc \
	src/qmail-send/report.h \
	src/qmail-send/retry.cc \
	src/qmail-send/retry.h \
	src/qmail-send/rewrite.cc \
	src/qmail-send/rewrite.h \
	src/qmail-send/scheduler.cc \
	src/qmail-send/scheduler.h \
	src/qmail-send/send.cc \
	src/qmail-send/send.h \
	src/qmail-send/settings.cc \
	src/qmail-send/settings.h \
	src/qmail-send/startup.cc \
	src/qmail-send/startup.h \
	src/qmail-send/todo.cc \
	src/qmail-send/todo.h

bin_PROGRAMS += src/qmail-send/qmail-send
src_qmail_send_qmail_send_SOURCES = src/qmail-send/main.cc
src_qmail_send_qmail_send_CPPFLAGS = $(AM_CPPFLAGS) $(QM_SEND_CPPFLAGS)
src_qmail_send_qmail_send_LDADD = src/qmail-send/libsend.la $(LDADD)

check_PROGRAMS += tests/unit/check_qmail_send
tests_unit_check_qmail_send_SOURCES = tests/unit/check_main.h tests/unit/check_qmail_send.cc
tests_unit_check_qmail_send_CPPFLAGS = $(UNIT_CPPFLAGS) $(QM_SEND_CPPFLAGS)
tests_unit_check_qmail_send_LDADD = src/qmail-send/libsend.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_send

check_PROGRAMS += tests/unit/check_qmail_send_queue
tests_unit_check_qmail_send_queue_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_qmail_send_queue.cc
tests_unit_check_qmail_send_queue_CPPFLAGS = $(UNIT_CPPFLAGS) $(QM_SEND_CPPFLAGS)
tests_unit_check_qmail_send_queue_LDADD = src/qmail-send/libsend.la $(UNIT_LDADD)
TESTS += tests/unit/check_qmail_send_queue

dist_man_MANS += \
	man/qmail-log.5 \
	man/qmail-send.8
