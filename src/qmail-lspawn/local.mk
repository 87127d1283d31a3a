# src/qmail-lspawn: the qmail-lspawn program
