# src/qmail-inject: the qmail-inject program
