// instcheck.h: the command-line bodies of instcheck (installed; verifies the
// qmail home) and qmail-hier (not installed; `make setup` runs it to build the
// home).  Both take an optional home directory, by default the configured one.
// Their argv comes from the administrator and is trusted as such.
#pragma once

namespace qmail::instcheck {

/// instcheck [home]: one line on stderr per problem; exit 0 only when all is right.
int run_instcheck(int argc, char** argv);

/// qmail-hier [home]: creates what is missing, sets owners and modes; 0 on success.
int run_hier(int argc, char** argv);

}  // namespace qmail::instcheck
