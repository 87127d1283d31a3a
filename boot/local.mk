# boot: the boot variants, one per default delivery (qmail-start(8)).  The
# administrator copies one to <home>/rc.  Each is made from boot/NAME.in with
# the qmail home filled in, and installed in <home>/boot.
bootdir = $(prefix)/boot
boot_SCRIPTS = \
	boot/binm1 \
	boot/binm1+df \
	boot/binm2 \
	boot/binm2+df \
	boot/binm3 \
	boot/binm3+df \
	boot/home \
	boot/home+df \
	boot/maildir \
	boot/maildir+df \
	boot/proc \
	boot/proc+df
EXTRA_DIST += $(boot_SCRIPTS:=.in)
CLEANFILES += $(boot_SCRIPTS)

# Fills in the configured home; conf-templates/local.mk uses it too.
qm_subst = sed -e 's|@QMAIL_HOME[@]|$(QMAIL_HOME)|g'

$(boot_SCRIPTS): Makefile
	$(AM_V_GEN)$(MKDIR_P) boot && \
	  $(qm_subst) $(srcdir)/$@.in > $@-t && chmod 755 $@-t && mv $@-t $@
boot/binm1: $(srcdir)/boot/binm1.in
boot/binm1+df: $(srcdir)/boot/binm1+df.in
boot/binm2: $(srcdir)/boot/binm2.in
boot/binm2+df: $(srcdir)/boot/binm2+df.in
boot/binm3: $(srcdir)/boot/binm3.in
boot/binm3+df: $(srcdir)/boot/binm3+df.in
boot/home: $(srcdir)/boot/home.in
boot/home+df: $(srcdir)/boot/home+df.in
boot/maildir: $(srcdir)/boot/maildir.in
boot/maildir+df: $(srcdir)/boot/maildir+df.in
boot/proc: $(srcdir)/boot/proc.in
boot/proc+df: $(srcdir)/boot/proc+df.in

# Each variant passes qmail-start the right delivery, logger and environment.
TESTS += boot/check-boot.sh
EXTRA_DIST += boot/check-boot.sh
