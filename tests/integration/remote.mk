# tests/integration/remote.mk: qmail-remote end to end in the sandbox, against
# a private DNS server (dnsmasq) and scripted SMTP servers that misbehave on
# purpose, all on loopback addresses at ports chosen at run time (see
# lib/remote.sh).  Without dnsmasq or python3 the tests skip.
REMOTE_TESTS = \
	tests/integration/qmail-remote-dns.test \
	tests/integration/qmail-remote-dot-stuffing.test \
	tests/integration/qmail-remote-hostile-servers.test
TESTS += $(REMOTE_TESTS)
EXTRA_DIST += \
	$(REMOTE_TESTS) \
	tests/integration/lib/remote.sh \
	tests/integration/lib/smtp-script-server.py
# qmail-send, qmail-rspawn and qmail-remote (one-shot, or long-lived workers
# that keep connections open) together, delivering to small SMTP sinks
# (lib/sink-server.py) on loopback ports chosen at run time.
REMOTE_SEND_TESTS = \
	tests/integration/qmail-remote-crash.test \
	tests/integration/qmail-send-remote-delivery.test \
	tests/integration/qmail-send-remote-reuse.test \
	tests/integration/qmail-send-remote-shared-mx.test
TESTS += $(REMOTE_SEND_TESTS)
EXTRA_DIST += \
	$(REMOTE_SEND_TESTS) \
	tests/integration/lib/sink-server.py
