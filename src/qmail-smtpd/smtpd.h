// smtpd.h: the two ways qmail-smtpd starts.  qmail-smtpd itself speaks plain
// SMTP and is linked without OpenSSL, so a connection that never uses TLS
// pays nothing for it; on STARTTLS (or with SMTPS set) it execs
// qmail-smtpd-tls, which does the handshake on the same descriptors and runs
// the same session inside TLS.  The exec also throws away anything the client
// pipelined behind STARTTLS, as RFC 3207 requires.
#pragma once

namespace qmail::smtpd {

/// qmail-smtpd: the plain session.
int run_plain(int argc, char** argv);
/// qmail-smtpd-tls: the session inside TLS, after STARTTLS ($QMAILSMTPD_TLS
/// is "starttls": no greeting) or for SMTPS (a greeting after the handshake).
int run_tls(int argc, char** argv);

}  // namespace qmail::smtpd
