# src/maildir2mbox: the maildir2mbox program
