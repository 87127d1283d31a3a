# src/dot-forward: the dot-forward program
