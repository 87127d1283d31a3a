# src/qmail-lspawn: the qmail-lspawn program, and the library code the spawns
# share: the spawn driver, the cdb reader and the users/cdb layout.
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
