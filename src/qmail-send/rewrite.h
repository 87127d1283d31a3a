// rewrite.h: where a recipient goes, as qmail-send(8) decides it while
// preprocessing a new message: @envnoathost for bare names, the percent hack,
// locals, then virtualdomains.  Pure functions; the rules come from control
// files (trusted), the addresses from the envelope (untrusted, any bytes).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "control/control.h"

namespace qmail::send {

enum class Channel { kLocal = 0, kRemote = 1 };
inline constexpr int kChannels = 2;

/// "local" or "remote", as the log names the channels.
std::string_view channel_name(Channel c);

struct RewriteRules {
  control::StringSet locals;
  control::StringSet percenthack;
  /// virtualdomains keys, lower-cased: "user@domain", "domain", ".domain" or ""
  /// (catch-all); values are prefixes, empty meaning "not a virtual domain".
  std::unordered_map<std::string, std::string> virtualdomains;
  std::string envnoathost;

  /// Adds the lines of control/virtualdomains ("key:prefix"); lines without
  /// a colon are ignored, as qmail does.
  void add_virtualdomains(const std::vector<std::string>& lines);
};

struct Rewritten {
  Channel channel;
  std::string address;  // for virtual domains, "prefix-user@domain"
};

/// Rewrites one envelope recipient.
Rewritten rewrite_recipient(const RewriteRules& rules, std::string_view rcpt);

}  // namespace qmail::send
