# src/qmail-lspawn: the qmail-lspawn program, and the library code the spawns
# share: the spawn driver, the cdb reader and the users/cdb layout; the unit
# tests and fuzz target of the spawn-worker protocol (queue/worker).
src_lib_libqmail_la_SOURCES += \
	src/lib/control/cdb.cc \
	src/lib/control/cdb.h \
	src/lib/parse/users_assign.cc \
	src/lib/parse/users_assign.h \
	src/lib/queue/spawn.cc \
	src/lib/queue/spawn.h \
	src/lib/queue/worker.cc \
	src/lib/queue/worker.h

noinst_LTLIBRARIES += src/qmail-lspawn/libqmail-lspawn.la
src_qmail_lspawn_libqmail_lspawn_la_SOURCES = \
	src/qmail-lspawn/lspawn.cc \
	src/qmail-lspawn/lspawn.h

bin_PROGRAMS += src/qmail-lspawn/qmail-lspawn
src_qmail_lspawn_qmail_lspawn_SOURCES = src/qmail-lspawn/main.cc
src_qmail_lspawn_qmail_lspawn_LDADD = src/qmail-lspawn/libqmail-lspawn.la $(LDADD)

dist_man_MANS += man/qmail-lspawn.8

check_PROGRAMS += tests/unit/check_worker
tests_unit_check_worker_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_worker.cc
tests_unit_check_worker_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_worker_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_worker

check_PROGRAMS += tests/fuzz/fuzz_worker_reply
tests_fuzz_fuzz_worker_reply_SOURCES = tests/fuzz/fuzz_worker_reply.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_worker_reply_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_worker_reply_LDFLAGS = $(QM_FUZZ_LD)
TESTS += tests/fuzz/fuzz_worker_reply
EXTRA_DIST += tests/fuzz/corpus/worker_reply
