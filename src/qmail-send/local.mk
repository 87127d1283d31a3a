# src/qmail-send: the qmail-send program
