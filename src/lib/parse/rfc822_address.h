// rfc822_address.h: RFC 822 address lists as qmail-header(5) and
// addresses(5) describe them: tokens (atoms, quoted strings, domain
// literals, comments, specials), route-addrs "Name <box@host>" with source
// routes, groups "name: a, b;", and the old style of addresses separated by
// spaces instead of commas (a comma is inserted).  qmail-inject parses each
// sender and recipient field with it, rewrites each address, and writes the
// field back with format_field(); it also makes envelope addresses with
// envelope_form().  Input is untrusted header text: any bytes, bounded by
// kMaxAddressList; malformed input is a permanent error, never a crash.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace qmail::parse {

// RFC 5322 sets no bound on an address list; a header field is already
// bounded by kMaxHeaderField, and this bound matches it.
inline constexpr std::size_t kMaxAddressList = 1024 * 1024;
// The width qmail-inject folds address lists to (RFC 5322 2.1.1 "SHOULD" 78
// characters plus CRLF); only ever a preference, never a limit.
inline constexpr std::size_t kFoldWidth = 80;

enum class TokenType : unsigned char {
  kAtom,       // text: the atom, free of specials and controls
  kQuoted,     // text: the quoted string's contents, backslashes removed
  kLiteral,    // text: a domain literal's contents without the brackets
  kComment,    // text: the comment's contents without the outer parentheses
  kAt,         // @
  kDot,        // .
  kComma,      // ,
  kLeft,       // <
  kRight,      // >
  kColon,      // :
  kSemicolon,  // ;
};

struct Token {
  TokenType type;
  std::string text;  // empty for the specials
  bool operator==(const Token&) const = default;
};

/// True for the characters an atom may hold unquoted (RFC 822 atext plus
/// what qmail leaves unquoted: printable ASCII except specials and space).
bool is_atom_char(char c);

/// Splits header text into tokens.  Blanks, CR and LF separate tokens (so
/// folded text needs no unfolding); CR and LF inside quotes, comments and
/// literals are dropped unless escaped.  An atom holding an escaped special
/// or a byte outside printable ASCII becomes kQuoted.  Permanent errors:
/// unterminated quote, comment or literal, stray ")" or "]", a trailing
/// backslash, input longer than kMaxAddressList.
Result<std::vector<Token>> tokenize(std::string_view text);

/// One piece of a parsed address list.  Concatenating the tokens of every
/// item gives the whole list back, commas qmail-inject inserts included.
struct AddressItem {
  enum class Kind : unsigned char {
    kText,     // phrases, comments, "<", ">", group names, ":", ";", ","
    kAddress,  // one address: local@domain, maybe with a source route
  };
  Kind kind;
  std::vector<Token> tokens;
  bool operator==(const AddressItem&) const = default;
};
using AddressList = std::vector<AddressItem>;

/// Parses tokens as an address list.  The address inside "<...>" is one item
/// even when empty ("<>"); comments within a bare address move after it.
/// Permanent errors: "<" without ">", nested "<", stray ">", a group inside
/// a group, ";" outside a group, a group without its ";".
Result<AddressList> parse_address_list(std::span<const Token> tokens);
/// tokenize() followed by parse_address_list().
Result<AddressList> parse_address_list(std::string_view text);

/// Renders tokens in header syntax (quoting and escaping as needed), with
/// the spaces RFC 822 readers expect, on one line.
std::string unparse(std::span<const Token> tokens);

/// "Name: list\n": the field written back, folded after commas into lines of
/// at most `width` columns where the addresses allow, continuation lines
/// starting with a space.
std::string format_field(std::string_view name, const AddressList& list,
                         std::size_t width = kFoldWidth);

/// The address as it goes into an envelope: quotes and brackets of literals
/// kept as text, quoting removed, comments dropped ("A B".c@d -> A B.c@d).
std::string envelope_form(std::span<const Token> tokens);

/// True when `local` must be quoted in a header: a character outside atoms
/// and dots, or a dot at the start, the end, or next to another.
bool local_part_needs_quotes(std::string_view local);

/// `local` as a local part in header syntax: quoted when it needs to be.
std::string quote_local_part(std::string_view local);

/// An envelope address (or command-line argument) in header syntax: the
/// local part before the last "@" quoted when it needs to be.
std::string quote_address(std::string_view address);

}  // namespace qmail::parse
