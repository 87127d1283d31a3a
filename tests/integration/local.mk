# tests/integration: the whole system end to end in a sandbox install (see
# lib/sandbox.sh).  Each test prints TAP; as root, setup-root-install.test
# also tests the real privileged install.
INTEGRATION_TESTS = \
	tests/integration/maildir2mbox-moves-messages.test \
	tests/integration/preline-adds-delivery-lines.test \
	tests/integration/qmail-local-delivers-to-mbox.test \
	tests/integration/qmail-local-dot-qmail-ext.test \
	tests/integration/qmail-local-forwards.test \
	tests/integration/qmail-local-loop-detection.test \
	tests/integration/qmail-local-program-environment.test \
	tests/integration/qmail-local-program-exit-codes.test \
	tests/integration/qmail-lspawn-users-assign.test \
	tests/integration/qmail-qread-lists-queued-message.test \
	tests/integration/qmail-qstat-counts-queue.test \
	tests/integration/qmail-send-bounces-unknown-user.test \
	tests/integration/qmail-send-double-bounce.test \
	tests/integration/qmail-send-signals.test \
	tests/integration/qmail-send-survives-crashes.test \
	tests/integration/qmail-send-virtualdomains.test \
	tests/integration/qmail-tcpto-lists-hosts.test \
	tests/integration/sendmail-delivers-to-maildir.test \
	tests/integration/setup-root-install.test \
	tests/integration/setup-sandbox-install.test
TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) tests/integration/lib/sandbox.sh

# the sandbox build and install live under the build directory
clean-local: clean-local-integration
clean-local-integration:
	-rm -rf tests/sandbox
.PHONY: clean-local-integration

# the benchmark and the quick-start and test scripts (same owner) ship too
EXTRA_DIST += \
	bench/README.md \
	bench/local-delivery \
	scripts/quick-start.sh \
	scripts/test-all.sh
