# src/maildirmake: the maildirmake program (maildirmake(1)).
noinst_LTLIBRARIES += src/maildirmake/libmaildirmake.la
src_maildirmake_libmaildirmake_la_SOURCES = \
	src/maildirmake/maildirmake.cc \
	src/maildirmake/maildirmake.h

bin_PROGRAMS += src/maildirmake/maildirmake
src_maildirmake_maildirmake_SOURCES = src/maildirmake/main.cc
src_maildirmake_maildirmake_LDADD = src/maildirmake/libmaildirmake.la $(LDADD)

dist_man_MANS += man/maildirmake.1
