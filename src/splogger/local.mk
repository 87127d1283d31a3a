# src/splogger: the splogger program
