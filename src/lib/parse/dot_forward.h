// dot_forward.h: parsing a sendmail-style .forward file for dot-forward(1).
// Called by src/dot-forward with the bytes of the user's file; the file is
// trusted only as far as its owner, and anything that cannot be read with
// certainty rejects the whole file (dot-forward then defers the message).
//
// Each line that does not start with '#' is an RFC 822 address list, with
// sendmail's extension that blanks also separate addresses: "joe, bob", "joe
// bob", "Joe <joe@host>", "\joe", "|program" (quoted when it holds blanks),
// "/file".  Comments in parentheses are ignored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::parse {

/// sendmail documents no limit; a .forward is a few lines, and dot-forward
/// reads it into memory, so bound it.
inline constexpr std::size_t kMaxDotForwardFile = 64 * 1024;
/// At most this many instructions (addresses, programs) in one file.
inline constexpr std::size_t kMaxDotForwardTargets = 1000;

/// One address as written, quotes and comments removed.
struct ForwardWord {
  std::string text;
  bool has_at = false;  // an unquoted '@' appeared: the address names a domain
};

/// Splits one line into addresses.  A permanent error for an unterminated
/// quote, comment or literal, an unbalanced '<' or '>', a NUL byte, or :include:.
Result<std::vector<ForwardWord>> split_forward_line(std::string_view line);

enum class ForwardKind {
  kSelf,     // the user's own address: deliver normally (dot-forward exits 0)
  kProgram,  // "|command": run command with the message on stdin
  kFile,     // "/path": an mbox delivery, which dot-forward does not support
  kAddress,  // forward the message to this address
};

struct ForwardInstruction {
  ForwardKind kind;
  std::string target;  // the command without '|', the path, or the full address
};

/// What the addresses are completed and compared with: $USER and $HOST as
/// qmail-local sets them, control/defaulthost, defaultdomain and plusdomain.
struct ForwardContext {
  std::string_view user;
  std::string_view host;
  std::string_view default_host;
  std::string_view default_domain;
  std::string_view plus_domain;
};

/// Classifies one address: the user's own, a program, a file, or an address
/// completed as qmail-inject does ("joe" -> "joe@defaulthost", a trailing '+'
/// -> ".plusdomain", no dot in the domain -> ".defaultdomain").  Empty text
/// yields nothing (false).
bool classify_forward_word(const ForwardWord& word, const ForwardContext& ctx,
                           ForwardInstruction& out);

/// Parses a whole .forward file into instructions in file order.  An empty
/// result means the file gives no instructions (dot-forward treats it as
/// missing).  Permanent errors: the file is too large, has too many
/// instructions, or a line cannot be parsed (the text names the line).
Result<std::vector<ForwardInstruction>> parse_dot_forward(std::string_view file,
                                                          const ForwardContext& ctx);

}  // namespace qmail::parse
