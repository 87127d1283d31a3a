// sendmail.h: the sendmail(8) compatibility interface.  MUAs and scripts run
// sendmail with Sendmail's options; plan() translates them into a run of
// qmail-inject (or qmail-qread for -bp and mailq, qmail-smtpd for -bs) and
// the environment changes that go with it.  A pure function, so tests can
// check every option.  The command line is the invoking user's and only
// builds that user's own message; it is never trusted beyond that.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qmail::sendmail {

struct Plan {
  enum class Action {
    kExec,        // set `env`, then exec `argv` (argv[0] relative to the qmail home)
    kUsage,       // print the usage line, exit 100
    kNewaliases,  // refuse: qmail has no aliases database, exit 100
  };
  Action action = Action::kExec;
  std::vector<std::string> argv;
  /// Environment changes in order: a value sets the variable, nullopt unsets it.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
};

/// Translates sendmail's command line.  `progname` is the last component of
/// argv[0] (mailq and newaliases behave differently); `have_proto` tells
/// whether $PROTO is set (-bs then keeps the caller's tcp environment).
Plan plan(std::string_view progname, const std::vector<std::string>& args, bool have_proto);

/// main(): runs what plan() says (qmail-inject in this process, anything else
/// by exec), or exits 100 (usage) or 111 (trouble).
int run(int argc, char** argv);

}  // namespace qmail::sendmail
