# src/qmail-pw2u: the qmail-pw2u program
