# src/qmail-queue: the qmail-queue program
