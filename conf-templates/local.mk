# conf-templates: config and config-fast (installed in <home>/bin), the systemd
# unit (installed in <home>/boot), the ways to run qmail-smtpd (smtpd/, also
# installed in <home>/boot), the install manifest hier.txt (compiled into
# qmail-hier and instcheck by src/instcheck/local.mk), and `make setup`.
bin_SCRIPTS += \
	conf-templates/config \
	conf-templates/config-fast
qmailunitdir = $(prefix)/boot
qmailunit_DATA = conf-templates/qmail.service
conf_templates_generated = \
	conf-templates/config \
	conf-templates/config-fast \
	conf-templates/qmail.service
EXTRA_DIST += \
	conf-templates/config-fast.in \
	conf-templates/config.in \
	conf-templates/hier.txt \
	conf-templates/qmail.service.in \
	conf-templates/setup-users.sh \
	conf-templates/setup.sh
CLEANFILES += $(conf_templates_generated)
dist_man_MANS += man/config-fast.8

# qm_subst comes from boot/local.mk.
$(conf_templates_generated): Makefile
	$(AM_V_GEN)$(MKDIR_P) conf-templates && \
	  $(qm_subst) $(srcdir)/$@.in > $@-t && \
	  if test $@ != conf-templates/qmail.service; then chmod 755 $@-t; fi && mv $@-t $@
conf-templates/config: $(srcdir)/conf-templates/config.in
conf-templates/config-fast: $(srcdir)/conf-templates/config-fast.in
conf-templates/qmail.service: $(srcdir)/conf-templates/qmail.service.in

# make setup (as root): install, create users and groups, build the home with
# qmail's owners and modes, write control files when missing, run instcheck.
# As an ordinary user it works when every configured user and group is the
# invoking user's own (the test sandbox).  It installs into the live system:
# DESTDIR is for `make install` alone.
.PHONY: setup
setup: install src/instcheck/qmail-hier$(EXEEXT)
	@if test -n "$(DESTDIR)"; then \
	  echo "make setup: DESTDIR is for make install; setup works on the live system" >&2; \
	  exit 1; \
	fi
	$(SHELL) $(srcdir)/conf-templates/setup.sh '$(srcdir)' src/instcheck/qmail-hier$(EXEEXT) \
	  '$(QMAIL_HOME)' \
	  '$(QMAIL_USER_ALIAS)' '$(QMAIL_USER_QMAILD)' '$(QMAIL_USER_QMAILL)' '$(QMAIL_USER_ROOT)' \
	  '$(QMAIL_USER_QMAILP)' '$(QMAIL_USER_QMAILQ)' '$(QMAIL_USER_QMAILR)' '$(QMAIL_USER_QMAILS)' \
	  '$(QMAIL_GROUP_QMAIL)' '$(QMAIL_GROUP_NOFILES)'

# Ways to run qmail-smtpd (qmail-services(7)): daemontools run scripts for
# tcpserver, an example tcprules file, systemd socket and service units,
# inetd lines and an xinetd file, for SMTP (25), submission (587) and SMTPS
# (465).  Each is made from conf-templates/smtpd/NAME.in with the home, user
# and group names filled in, and installed in <home>/boot as NAME.
smtpdbootdir = $(prefix)/boot
smtpdboot_SCRIPTS = \
	conf-templates/smtpd/smtpd-log-run \
	conf-templates/smtpd/smtpd-run \
	conf-templates/smtpd/smtps-run \
	conf-templates/smtpd/submission-run
smtpdboot_DATA = \
	conf-templates/smtpd/qmail-smtpd.socket \
	conf-templates/smtpd/qmail-smtpd.xinetd \
	conf-templates/smtpd/qmail-smtpd@.service \
	conf-templates/smtpd/qmail-smtps.socket \
	conf-templates/smtpd/qmail-smtps@.service \
	conf-templates/smtpd/qmail-submission.socket \
	conf-templates/smtpd/qmail-submission@.service \
	conf-templates/smtpd/smtpd-inetd.conf \
	conf-templates/smtpd/tcp.smtp
smtpd_generated = $(smtpdboot_SCRIPTS) $(smtpdboot_DATA)
EXTRA_DIST += $(smtpd_generated:=.in)
CLEANFILES += $(smtpd_generated)
dist_man_MANS += man/qmail-services.7

qm_subst_smtpd = $(qm_subst) \
	-e 's|@QMAIL_USER_QMAILD[@]|$(QMAIL_USER_QMAILD)|g' \
	-e 's|@QMAIL_USER_QMAILL[@]|$(QMAIL_USER_QMAILL)|g' \
	-e 's|@QMAIL_USER_QMAILQ[@]|$(QMAIL_USER_QMAILQ)|g' \
	-e 's|@QMAIL_GROUP_NOFILES[@]|$(QMAIL_GROUP_NOFILES)|g'

$(smtpd_generated): Makefile
	$(AM_V_GEN)$(MKDIR_P) conf-templates/smtpd && \
	  $(qm_subst_smtpd) $(srcdir)/$@.in > $@-t && \
	  case $@ in *-run) chmod 755 $@-t ;; esac && mv $@-t $@
conf-templates/smtpd/qmail-smtpd.socket: $(srcdir)/conf-templates/smtpd/qmail-smtpd.socket.in
conf-templates/smtpd/qmail-smtpd.xinetd: $(srcdir)/conf-templates/smtpd/qmail-smtpd.xinetd.in
conf-templates/smtpd/qmail-smtpd@.service: $(srcdir)/conf-templates/smtpd/qmail-smtpd@.service.in
conf-templates/smtpd/qmail-smtps.socket: $(srcdir)/conf-templates/smtpd/qmail-smtps.socket.in
conf-templates/smtpd/qmail-smtps@.service: $(srcdir)/conf-templates/smtpd/qmail-smtps@.service.in
conf-templates/smtpd/qmail-submission.socket: $(srcdir)/conf-templates/smtpd/qmail-submission.socket.in
conf-templates/smtpd/qmail-submission@.service: $(srcdir)/conf-templates/smtpd/qmail-submission@.service.in
conf-templates/smtpd/smtpd-inetd.conf: $(srcdir)/conf-templates/smtpd/smtpd-inetd.conf.in
conf-templates/smtpd/smtpd-log-run: $(srcdir)/conf-templates/smtpd/smtpd-log-run.in
conf-templates/smtpd/smtpd-run: $(srcdir)/conf-templates/smtpd/smtpd-run.in
conf-templates/smtpd/smtps-run: $(srcdir)/conf-templates/smtpd/smtps-run.in
conf-templates/smtpd/submission-run: $(srcdir)/conf-templates/smtpd/submission-run.in
conf-templates/smtpd/tcp.smtp: $(srcdir)/conf-templates/smtpd/tcp.smtp.in

# qmail-smtpd under the shipped tcpserver run script, end to end
TESTS += tests/integration/services-tcpserver-runs-smtpd.test
EXTRA_DIST += tests/integration/services-tcpserver-runs-smtpd.test
