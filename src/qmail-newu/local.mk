# src/qmail-newu: the qmail-newu program
