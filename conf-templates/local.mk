# conf-templates: config and config-fast (installed in <home>/bin), the systemd
# unit (installed in <home>/boot), the install manifest hier.txt (compiled into
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
