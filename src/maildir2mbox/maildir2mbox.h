// maildir2mbox.h: maildir2mbox (maildir2mbox(1)) moves the messages of a
// maildir into an mbox: a copy of the old mbox plus the messages is written
// to $MAILTMP, synced and renamed over $MAIL, and only then are the messages
// removed.  Called by main.cc; run by a user on the user's own files.  The
// message bytes are untrusted.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace qmail::maildir2mbox {

struct Paths {
  std::string maildir;  // $MAILDIR
  std::string mbox;     // $MAIL
  std::string mboxtmp;  // $MAILTMP, on the same filesystem as $MAIL
};

/// Does the move.  Messages that were copied but could not be removed are
/// listed in `warnings` (they will show up again next time).  A temporary
/// error whose text is the diagnostic, e.g. "unable to lock /var/mail/joe: ...".
Status move_to_mbox(const Paths& paths, std::vector<std::string>& warnings);

/// The program: reads the environment, returns the exit code (0 or 111).
int run();

}  // namespace qmail::maildir2mbox
