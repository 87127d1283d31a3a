#include "base/result.h"

#include <cstring>

namespace qmail {

std::string Error::text() const {
  if (errnum == 0) return what;
  return what + ": " + std::strerror(errnum);
}

}  // namespace qmail
