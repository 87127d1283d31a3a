# tests/integration/smtpd.mk: qmail-smtpd end to end in the sandbox, with real
# clients (Python's smtplib, openssl s_client, swaks, msmtp).  The helpers in
# lib/smtpd.sh start qmail-smtpd behind lib/smtpd-server.py on a loopback port
# chosen at run time; a client that is not installed makes its checks skip.
SMTPD_INTEGRATION_TESTS = \
	tests/integration/smtpd-ipv6-tcp-env.test \
	tests/integration/smtpd-limits.test \
	tests/integration/smtpd-open-relay.test \
	tests/integration/smtpd-python-client.test \
	tests/integration/smtpd-queue-errors.test \
	tests/integration/smtpd-smuggling.test \
	tests/integration/smtpd-test-receive.test \
	tests/integration/smtpd-tls-auth.test
TESTS += $(SMTPD_INTEGRATION_TESTS)
EXTRA_DIST += \
	$(SMTPD_INTEGRATION_TESTS) \
	tests/integration/lib/smtpd-server.py \
	tests/integration/lib/smtpd.sh
