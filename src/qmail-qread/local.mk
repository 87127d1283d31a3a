# src/qmail-qread: the qmail-qread program
