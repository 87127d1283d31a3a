// date822.h: the date format qmail writes in Received, Date and bounce headers:
// "21 Nov 2026 08:04:36 -0000" (always UTC, as qmail's date822fmt), and the
// mbox From_ line date "Sat Nov 21 08:04:36 2026" (asctime form, UTC).
#pragma once

#include <ctime>
#include <string>

namespace qmail {

/// "21 Nov 2026 08:04:36 -0000".
std::string date822(std::time_t t);
/// "Sat Nov 21 08:04:36 2026".
std::string date_asctime(std::time_t t);

}  // namespace qmail
