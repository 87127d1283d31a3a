# tests/unit: Check suites, one per library concern.  Programs add their own
# suites in their local.mk with the same variables.
UNIT_CPPFLAGS = $(AM_CPPFLAGS) $(CHECK_CFLAGS)
UNIT_LDADD = src/lib/libqmail.la $(CHECK_LIBS)
# temporary directories and files for any suite
EXTRA_DIST += tests/unit/check_tmp.h

check_PROGRAMS += tests/unit/check_base
tests_unit_check_base_SOURCES = tests/unit/check_base.cc tests/unit/check_main.h
tests_unit_check_base_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_base_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_base

check_PROGRAMS += tests/unit/check_io
tests_unit_check_io_SOURCES = tests/unit/check_io.cc tests/unit/check_main.h
tests_unit_check_io_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_io_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_io

check_PROGRAMS += tests/unit/check_control
tests_unit_check_control_SOURCES = tests/unit/check_control.cc tests/unit/check_main.h
tests_unit_check_control_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_control_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_control

check_PROGRAMS += tests/unit/check_exit_codes
tests_unit_check_exit_codes_SOURCES = tests/unit/check_exit_codes.cc tests/unit/check_main.h
tests_unit_check_exit_codes_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_exit_codes_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_exit_codes

check_PROGRAMS += tests/unit/check_queue
tests_unit_check_queue_SOURCES = tests/unit/check_queue.cc tests/unit/check_main.h
tests_unit_check_queue_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_queue_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_queue

check_PROGRAMS += tests/unit/check_sys
tests_unit_check_sys_SOURCES = tests/unit/check_sys.cc tests/unit/check_main.h
tests_unit_check_sys_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_sys_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/check_sys

# `make check-unit`: the unit tests and fuzz seed replays only, without the
# sandbox integration tests (for sanitizer builds and quick iterations).
check-unit:
	@tests=`for t in $(TESTS); do case $$t in tests/integration/*) ;; *) echo $$t ;; esac; done`; \
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$$tests"
.PHONY: check-unit
