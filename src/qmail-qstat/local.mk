# src/qmail-qstat: the qmail-qstat program
