# src/qmail-getpw: the qmail-getpw program
