# tests/interop: against real peers from Debian packages (skipped when the
# peer is not installed or the test needs root).
INTEROP_TESTS = \
	tests/interop/postfix-receives-from-qmail-remote.test \
	tests/interop/postfix-relays-to-qmail-smtpd.test
TESTS += $(INTEROP_TESTS)
EXTRA_DIST += $(INTEROP_TESTS)
