# src/maildir2mbox: the maildir2mbox program (its mailbox code is in
# src/lib/mailbox, added to libqmail by src/qmail-local/local.mk).
noinst_LTLIBRARIES += src/maildir2mbox/libmaildir2mbox.la
src_maildir2mbox_libmaildir2mbox_la_SOURCES = \
	src/maildir2mbox/maildir2mbox.cc \
	src/maildir2mbox/maildir2mbox.h

bin_PROGRAMS += src/maildir2mbox/maildir2mbox
src_maildir2mbox_maildir2mbox_SOURCES = src/maildir2mbox/main.cc
src_maildir2mbox_maildir2mbox_LDADD = src/maildir2mbox/libmaildir2mbox.la $(LDADD)

dist_man_MANS += man/maildir2mbox.1
