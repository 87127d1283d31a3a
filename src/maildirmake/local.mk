# src/maildirmake: the maildirmake program
