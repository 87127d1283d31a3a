# src/qmail-rspawn: the qmail-rspawn program
