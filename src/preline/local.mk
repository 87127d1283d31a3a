# src/preline: the preline program (preline(1)).
noinst_LTLIBRARIES += src/preline/libpreline.la
src_preline_libpreline_la_SOURCES = \
	src/preline/preline.cc \
	src/preline/preline.h

bin_PROGRAMS += src/preline/preline
src_preline_preline_SOURCES = src/preline/main.cc
src_preline_preline_LDADD = src/preline/libpreline.la $(LDADD)

dist_man_MANS += man/preline.1

# One Check suite for the small tools preline, splogger, maildirmake,
# qmail-pw2u and dot-forward (their program logic; the parsers have their own).
check_PROGRAMS += tests/unit/check_tools
tests_unit_check_tools_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_tools.cc
tests_unit_check_tools_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_tools_LDADD = \
	src/dot-forward/libdotforward.la \
	src/maildirmake/libmaildirmake.la \
	src/preline/libpreline.la \
	src/qmail-pw2u/libpw2u.la \
	src/splogger/libsplogger.la \
	$(UNIT_LDADD)
TESTS += tests/unit/check_tools
