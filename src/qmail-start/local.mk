# src/qmail-start: the qmail-start program
