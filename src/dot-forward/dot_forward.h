// dot_forward.h: following a sendmail-style .forward file under qmail
// (dot-forward(1)).  Called by main.cc from a .qmail program line, as the
// recipient, with the message on a seekable stdin and qmail-local's
// environment; the .forward file is the recipient's own and is parsed by
// parse/dot_forward.h.  The pure parts are here for the tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "parse/dot_forward.h"

namespace qmail::dotforward {

struct Options {
  bool deliver = true;  // -N (default) delivers; -n only prints the instructions
  std::vector<std::string> files;
};

/// Parses "-nN" options and the file names; a permanent error for an
/// unknown option or no file.
Result<Options> parse_args(const std::vector<std::string>& args);

/// What qmail-local tells a delivery program (qmail-command(8)).
struct Environment {
  std::string ufline, rpline, dtline;  // the lines preline(1) would add
  std::string sender;                  // NEWSENDER: the envelope sender for forwarding
  std::string user, host;              // USER and HOST: who "myself" is
};
Environment environment_from_process();

/// control/me, defaulthost, defaultdomain and plusdomain (the last three
/// default to me, and me to "me"), read from <home>/control.
struct Controls {
  std::string me, default_host, default_domain, plus_domain;
};
Result<Controls> read_controls(const std::string& home);

/// The -n report, one instruction per line: "forward ADDRESS", "pipe through
/// COMMAND", "direct delivery".  Untrusted bytes are escaped.
std::string describe(const std::vector<parse::ForwardInstruction>& ins);

/// The exit code once every instruction has been followed: 0 when the file
/// names the user (qmail-local goes on with .qmail), 99 otherwise.
int exit_after(const std::vector<parse::ForwardInstruction>& ins);

/// Maps a program's exit code to dot-forward's: 0 stays 0; sendmail's
/// permanent codes (EX_USAGE 64, EX_DATAERR 65, EX_SOFTWARE 70, EX_PROTOCOL
/// 76, EX_NOPERM 77, EX_CONFIG 78), 100 and 112 bounce (100); anything else
/// defers (111).
int map_program_exit(int code);

/// Runs `command` with /bin/sh -c, the message on its stdin after `head`.
/// Returns 0, 100 or 111 as map_program_exit, after a diagnostic on failure.
int run_program(const std::string& command, std::string_view head);

/// Forwards the message (DTLINE in front) to `addresses` through qmail-queue.
/// The error kind is qmail-queue's: permanent bounces, temporary defers.
Status forward(const std::vector<std::string>& addresses, const Environment& env);

/// Positions stdin at the start of the message before each reading of it.
/// Once `consumed`, stdin must be seekable (qmail-local's is): a temporary
/// error otherwise.  Sets `consumed`.
Status rewind_input(bool& consumed);

/// The whole program: returns 0, 99, 100 or 111.
int run(int argc, char** argv);

}  // namespace qmail::dotforward
