# src/splogger: the splogger program (splogger(8)).
noinst_LTLIBRARIES += src/splogger/libsplogger.la
src_splogger_libsplogger_la_SOURCES = \
	src/splogger/splogger.cc \
	src/splogger/splogger.h

bin_PROGRAMS += src/splogger/splogger
src_splogger_splogger_SOURCES = src/splogger/main.cc
src_splogger_splogger_LDADD = src/splogger/libsplogger.la $(LDADD)

dist_man_MANS += man/splogger.8
