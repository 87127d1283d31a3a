# src/instcheck: the instcheck program
