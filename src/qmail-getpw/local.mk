# src/qmail-getpw: the qmail-getpw program
noinst_LTLIBRARIES += src/qmail-getpw/libqmail-getpw.la
src_qmail_getpw_libqmail_getpw_la_SOURCES = \
	src/qmail-getpw/getpw.cc \
	src/qmail-getpw/getpw.h

bin_PROGRAMS += src/qmail-getpw/qmail-getpw
src_qmail_getpw_qmail_getpw_SOURCES = src/qmail-getpw/main.cc
src_qmail_getpw_qmail_getpw_LDADD = src/qmail-getpw/libqmail-getpw.la $(LDADD)

dist_man_MANS += man/qmail-getpw.8
