// guard.h: no exception crosses main().  run_guarded runs a program body and
// maps std::bad_alloc to the program's documented out-of-memory code and any
// other exception to its internal-bug code, after one line on stderr.
#pragma once

#include <unistd.h>

#include <exception>
#include <new>
#include <string_view>

namespace qmail {

namespace detail {
inline void guard_note(std::string_view what) {
  std::string_view prefix = "fatal: ";
  (void)!::write(2, prefix.data(), prefix.size());
  (void)!::write(2, what.data(), what.size());
  (void)!::write(2, "\n", 1);
}
}  // namespace detail

template <class Code, class Body>
int run_guarded(Code nomem, Code bug, Body&& body) {
  try {
    return static_cast<int>(body());
  } catch (const std::bad_alloc&) {
    detail::guard_note("out of memory");
    return static_cast<int>(nomem);
  } catch (const std::exception& e) {
    detail::guard_note(e.what());
    return static_cast<int>(bug);
  } catch (...) {
    detail::guard_note("internal error");
    return static_cast<int>(bug);
  }
}

}  // namespace qmail
