// preline.h: feeding a message to a command with the From_, Return-Path and
// Delivered-To lines that qmail-local puts in UFLINE, RPLINE and DTLINE
// (preline(1)).  Called by main.cc from a .qmail program line, as the
// recipient; the message and the command are the recipient's own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::preline {

struct Options {
  bool ufline = true;  // -f omits, -F includes: the UUCP-style From_ line
  bool rpline = true;  // -r / -R: the Return-Path line
  bool dtline = true;  // -d / -D: the Delivered-To line
  std::vector<std::string> command;
};

/// Parses the command line.  Options stop at the first argument that is not
/// one (or after "--"), so the command keeps its own options.  A permanent
/// error for an unknown option or a missing command.
Result<Options> parse_args(const std::vector<std::string>& args);

/// The lines to put in front of the message, in qmail's order.
std::string prefix(const Options& opts, std::string_view ufline, std::string_view rpline,
                   std::string_view dtline);

/// The whole program: returns the command's exit code, 100 for a usage error
/// or a command that cannot be run for good, 111 for temporary trouble.
int run(int argc, char** argv);

}  // namespace qmail::preline
