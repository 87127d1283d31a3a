// maildirmake.h: making a new maildir (maildirmake(1)).  Called by main.cc
// with the command line of whoever runs it; the directory name is used as
// given, with that user's own permissions.
#pragma once

#include <string>

#include "base/result.h"

namespace qmail::maildirmake {

/// Makes `dir` and its tmp, new and cur subdirectories, each mode 700.  A
/// temporary error (with errno) naming the directory that could not be made;
/// an existing `dir` is an error, never reused.
Status make_maildir(const std::string& dir);

/// The whole program: returns the exit code (0, 100 usage, 111 trouble).
int run(int argc, char** argv);

}  // namespace qmail::maildirmake
