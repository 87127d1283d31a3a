# src/sendmail: the sendmail program
