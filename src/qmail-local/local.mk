# src/qmail-local: the qmail-local program
