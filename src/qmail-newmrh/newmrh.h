// newmrh.h: qmail-newmrh(8), turning control/morercpthosts into
// control/morercpthosts.cdb for qmail-smtpd.  Called by main.cc (run) and by
// the unit tests (build_morercpthosts_cdb).  control/morercpthosts is the
// administrator's file, read with the control-file limits.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace qmail::newmrh {

/// The morercpthosts.cdb bytes for the morercpthosts text: one record per
/// line, the key lower-cased with trailing blanks removed, the value empty;
/// blank lines and lines starting with '#' skipped.
Result<std::string> build_morercpthosts_cdb(std::string_view text);

/// qmail-newmrh itself: in the qmail home, control/morercpthosts to
/// control/morercpthosts.cdb.  Returns the exit code (0, or 111 after a
/// one-line diagnostic on stderr).
int run();

}  // namespace qmail::newmrh
