// options.h: what qmail-inject(8) is told to do: its command line and the
// settings it takes from the environment and from the control files
// defaulthost, defaultdomain, plusdomain, idhost and me.  Called by run()
// before the message is read.  The command line and the environment belong
// to the invoking user and are trusted as far as that user; they are only
// used to build the user's own message.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "control/control.h"

namespace qmail::inject {

/// Where envelope recipients come from (qmail-inject(8) -a -A -h -H).
enum class RecipientSource {
  kDefault,  // -A: the arguments, or the header when there are none
  kArgs,     // -a
  kHeader,   // -h
  kBoth,     // -H
};

struct Options {
  RecipientSource source = RecipientSource::kDefault;
  bool queue = true;                    // -N; -n prints instead
  std::optional<std::string> sender;    // -f, as given
  std::vector<std::string> recipients;  // the arguments after the options
};

/// Parses qmail-inject's arguments (without argv[0]) as getopt "aAhHnNf:"
/// does.  A permanent error naming the problem for an unknown option or a
/// missing argument.
Result<Options> parse_options(const std::vector<std::string>& args);

/// Looks up an environment variable; nullopt when unset or empty.
using Env = std::function<std::optional<std::string>(const char* name)>;
/// The process environment.
Env process_env();

struct Config {
  // Control files, overridden by QMAILDEFAULTHOST and friends.
  std::string default_host = "defaulthost";
  std::string default_domain = "defaultdomain";
  std::string plus_domain = "plusdomain";
  std::string id_host = "idhost";
  // The From field: QMAILUSER..., QMAILHOST..., QMAILNAME...
  std::string user = "anonymous";
  std::optional<std::string> host;
  std::optional<std::string> full_name;
  // The envelope sender: QMAILSUSER, QMAILSHOST.
  std::string sender_user = "anonymous";
  std::optional<std::string> sender_host;
  // QMAILINJECT letters.
  bool name_comment = false;        // c
  bool ignore_return_path = false;  // s
  bool delete_from = false;         // f
  bool delete_message_id = false;   // i
  bool verp_recipient = false;      // r
  bool verp_message = false;        // m
  // QMAILMFTFILE: mailing lists the user is subscribed to.
  std::optional<control::StringSet> followup_lists;
};

/// The settings that come from the environment alone.
Config config_from_env(const Env& env);

/// Reads the control files under `home` (defaulting to control/me, then to
/// the literal names) and QMAILMFTFILE, then applies the environment's
/// overrides.  Temporary errors when a file exists but cannot be read.
Status load_controls(Config& config, const std::string& home, const Env& env);

}  // namespace qmail::inject
