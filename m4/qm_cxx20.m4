# AX_CXX_STD_20: make sure the C++ compiler speaks C++20.
AC_DEFUN([AX_CXX_STD_20], [
  AC_LANG_PUSH([C++])
  qm_save_CXXFLAGS=$CXXFLAGS
  CXXFLAGS="$CXXFLAGS -std=c++20"
  AC_MSG_CHECKING([whether $CXX accepts -std=c++20])
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <span>
#include <string_view>]], [[std::string_view s{"x"}; std::span<const char> p{s.data(), s.size()}; return p.size() == 1 ? 0 : 1;]])],
    [AC_MSG_RESULT([yes])], [AC_MSG_RESULT([no]); AC_MSG_ERROR([a C++20 compiler is required])])
  AC_LANG_POP([C++])
])
