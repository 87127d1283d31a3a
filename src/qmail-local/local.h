// local.h: qmail-local (qmail-local(8)): delivers one message to one local
// user as that user's .qmail file says (dot-qmail(5)).  Called by main.cc;
// run by qmail-lspawn as the recipient, in no particular directory, with the
// message on fd 0 (seekable).  The arguments come from qmail-lspawn and are
// trusted; the envelope sender and the message come from anyone.
#pragma once

#include <string>

#include "base/result.h"

namespace qmail::local {

struct Args {
  bool doit = true;  // -N (default); -n only prints the instructions
  std::string user, homedir, local, dash, ext, host, sender, default_delivery;
};

/// Parses `qmail-local [-nN] user homedir local dash ext domain sender
/// defaultdelivery`.  A permanent error holding the usage line on bad usage
/// (qmail-local exits 100 then), including a homedir that is not absolute.
Result<Args> parse_args(int argc, char** argv);

/// The whole program; returns its exit code (0, 100 or 111).  Reports go to
/// stdout ("did F+W+P", "qp N") and stderr (why a delivery failed).
int run(int argc, char** argv);

}  // namespace qmail::local
