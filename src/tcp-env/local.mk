# src/tcp-env: tcp-env(1), and the RFC 1413 reply parser it uses (in libqmail).
src_lib_libqmail_la_SOURCES += \
	src/lib/parse/ident_reply.cc \
	src/lib/parse/ident_reply.h

noinst_LTLIBRARIES += src/tcp-env/libtcp-env.la
src_tcp_env_libtcp_env_la_SOURCES = \
	src/tcp-env/ident.cc \
	src/tcp-env/ident.h \
	src/tcp-env/tcp_env.cc \
	src/tcp-env/tcp_env.h

bin_PROGRAMS += src/tcp-env/tcp-env
src_tcp_env_tcp_env_SOURCES = src/tcp-env/main.cc
src_tcp_env_tcp_env_LDADD = src/tcp-env/libtcp-env.la $(LDADD)

dist_man_MANS += man/tcp-env.1 man/tcp-environ.5

check_PROGRAMS += tests/unit/check_tcp_env
tests_unit_check_tcp_env_SOURCES = tests/unit/check_tcp_env.cc tests/unit/check_main.h
tests_unit_check_tcp_env_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_check_tcp_env_LDADD = src/tcp-env/libtcp-env.la $(UNIT_LDADD)
TESTS += tests/unit/check_tcp_env

check_PROGRAMS += tests/unit/check_parse_ident_reply
tests_unit_check_parse_ident_reply_SOURCES = \
	tests/unit/check_main.h \
	tests/unit/check_parse_ident_reply.cc
tests_unit_check_parse_ident_reply_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_parse_ident_reply_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_parse_ident_reply

check_PROGRAMS += tests/fuzz/fuzz_ident_reply
tests_fuzz_fuzz_ident_reply_SOURCES = tests/fuzz/fuzz_ident_reply.cc $(QM_FUZZ_MAIN)
tests_fuzz_fuzz_ident_reply_CXXFLAGS = $(QM_FUZZ_CXX)
tests_fuzz_fuzz_ident_reply_LDFLAGS = $(QM_FUZZ_LD)
tests_fuzz_fuzz_ident_reply_LDADD = $(LDADD)
TESTS += tests/fuzz/fuzz_ident_reply
EXTRA_DIST += tests/fuzz/corpus/ident_reply

TESTS += tests/integration/tcp-env-sets-environment.test
EXTRA_DIST += tests/integration/tcp-env-sets-environment.test
