# src/preline: the preline program
