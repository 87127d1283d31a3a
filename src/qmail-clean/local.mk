# src/qmail-clean: the qmail-clean program
