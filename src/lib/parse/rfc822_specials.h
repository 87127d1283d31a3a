// rfc822_specials.h: RFC 822 3.3's special characters, which end an atom.
// Shared by the address parser and the .forward parser.  Pure.
#pragma once

namespace qmail::parse {

/// Whether `c` is one of ( ) < > @ , ; : " . [ ].
bool is_rfc822_special(char c);

}  // namespace qmail::parse
