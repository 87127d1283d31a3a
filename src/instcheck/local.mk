# src/instcheck: instcheck (installed) and qmail-hier (not installed; `make
# setup` runs it), both built on the install manifest conf-templates/hier.txt,
# which is compiled in as src/instcheck/manifest_text.cc.
noinst_LTLIBRARIES += src/instcheck/libinstcheck.la
src_instcheck_libinstcheck_la_SOURCES = \
	src/instcheck/hier.cc \
	src/instcheck/hier.h \
	src/instcheck/instcheck.cc \
	src/instcheck/instcheck.h \
	src/instcheck/manifest.cc \
	src/instcheck/manifest.h
nodist_src_instcheck_libinstcheck_la_SOURCES = src/instcheck/manifest_text.cc
CLEANFILES += src/instcheck/manifest_text.cc
# qmail-smtpd-tls exists only when TLS is built
if HAVE_TLS
QM_HIER_FILTER = cat
else
QM_HIER_FILTER = sed -e '/bin\/qmail-smtpd-tls/d'
endif

src/instcheck/manifest_text.cc: $(top_srcdir)/conf-templates/hier.txt
	$(AM_V_GEN)$(MKDIR_P) src/instcheck && { \
	  echo '// manifest_text.cc: generated from conf-templates/hier.txt; do not edit.'; \
	  echo 'namespace qmail::instcheck {'; \
	  echo 'extern const char kManifestText[];'; \
	  echo 'const char kManifestText[] = R"qmail_hier_txt('; \
	  $(QM_HIER_FILTER) $(top_srcdir)/conf-templates/hier.txt; \
	  echo ')qmail_hier_txt";'; \
	  echo '}  // namespace qmail::instcheck'; \
	} > $@-t && mv $@-t $@

bin_PROGRAMS += src/instcheck/instcheck
src_instcheck_instcheck_SOURCES = src/instcheck/main.cc
src_instcheck_instcheck_LDADD = src/instcheck/libinstcheck.la $(LDADD)

# Not installed.  Makefile.am has no noinst_PROGRAMS, so it is a check program
# that `make setup` builds explicitly (the sandbox tests use it too).
noinst_PROGRAMS += src/instcheck/qmail-hier
src_instcheck_qmail_hier_SOURCES = src/instcheck/hier_main.cc
src_instcheck_qmail_hier_LDADD = src/instcheck/libinstcheck.la $(LDADD)

check_PROGRAMS += tests/unit/check_hier
tests_unit_check_hier_SOURCES = tests/unit/check_hier.cc tests/unit/check_main.h
tests_unit_check_hier_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_hier_LDADD = src/instcheck/libinstcheck.la $(UNIT_LDADD)
TESTS += tests/unit/check_hier

dist_man_MANS += man/instcheck.8
