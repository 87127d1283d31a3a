# man: the overview pages.  Each program's pages are added by its own local.mk.
dist_man_MANS += \
	man/qmail-control.5 \
	man/qmail.7
