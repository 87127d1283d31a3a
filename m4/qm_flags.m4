# Compiler flags: hardening on by default, each flag added after a probe;
# developer options for sanitizers, fuzzing, -Werror and coverage.

# QM_ADD_FLAG(VAR, FLAG): append FLAG to VAR when the compiler takes it.
AC_DEFUN([QM_ADD_CXXFLAG], [
  AC_LANG_PUSH([C++])
  qm_save=$CXXFLAGS; CXXFLAGS="$CXXFLAGS $1 -Werror"
  AC_MSG_CHECKING([whether $CXX accepts $1])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([], [[return 0;]])], [AC_MSG_RESULT([yes]); QM_CXXFLAGS="$QM_CXXFLAGS $1"], [AC_MSG_RESULT([no])])
  CXXFLAGS=$qm_save
  AC_LANG_POP([C++])
])
AC_DEFUN([QM_ADD_LDFLAG], [
  AC_LANG_PUSH([C++])
  qm_save=$LDFLAGS; LDFLAGS="$LDFLAGS $1"
  AC_MSG_CHECKING([whether the linker accepts $1])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([], [[return 0;]])], [AC_MSG_RESULT([yes]); QM_LDFLAGS="$QM_LDFLAGS $1"], [AC_MSG_RESULT([no])])
  LDFLAGS=$qm_save
  AC_LANG_POP([C++])
])

AC_DEFUN([QM_HARDENING], [
  QM_CXXFLAGS="-Wall -Wextra"
  QM_LDFLAGS=""
  AC_ARG_ENABLE([hardening], [AS_HELP_STRING([--disable-hardening], [no stack protector, FORTIFY, PIE or RELRO])],
    [qm_hardening=$enableval], [qm_hardening=yes])
  if test "x$qm_hardening" = xyes; then
    QM_ADD_CXXFLAG([-fstack-protector-strong])
    QM_ADD_CXXFLAG([-fPIE])
    case " $CXXFLAGS " in
      *" -O0 "*) ;;
      *) QM_ADD_CXXFLAG([-D_FORTIFY_SOURCE=2]) ;;
    esac
    QM_ADD_LDFLAG([-pie])
    QM_ADD_LDFLAG([-Wl,-z,relro])
    QM_ADD_LDFLAG([-Wl,-z,now])
  fi
])

# QM_STATIC_RUNTIME: programs started once per message (qmail-queue,
# qmail-local, qmail-inject) pay for every shared library at each exec:
# loading libstdc++ costs about 0.3 ms here (DESIGN §7), so the C++ runtime
# is linked statically unless --disable-static-runtime.
AC_DEFUN([QM_STATIC_RUNTIME], [
  AC_ARG_ENABLE([static-runtime], [AS_HELP_STRING([--disable-static-runtime],
    [link libstdc++ and libgcc dynamically (default: statically, for quicker exec)])],
    [qm_static_runtime=$enableval], [qm_static_runtime=yes])
  if test "x$qm_static_runtime" = xyes; then
    QM_ADD_LDFLAG([-static-libstdc++])
    QM_ADD_LDFLAG([-static-libgcc])
  fi
])

AC_DEFUN([QM_DEVELOPER_OPTIONS], [
  AC_ARG_ENABLE([werror], [AS_HELP_STRING([--enable-werror], [treat warnings as errors])],
    [test "x$enableval" = xyes && QM_CXXFLAGS="$QM_CXXFLAGS -Werror"])
  AC_ARG_ENABLE([asan], [AS_HELP_STRING([--enable-asan], [build with AddressSanitizer])],
    [test "x$enableval" = xyes && { QM_CXXFLAGS="$QM_CXXFLAGS -fsanitize=address -fno-omit-frame-pointer"; QM_LDFLAGS="$QM_LDFLAGS -fsanitize=address"; }])
  AC_ARG_ENABLE([ubsan], [AS_HELP_STRING([--enable-ubsan], [build with UndefinedBehaviorSanitizer])],
    [test "x$enableval" = xyes && { QM_CXXFLAGS="$QM_CXXFLAGS -fsanitize=undefined -fno-sanitize-recover=undefined"; QM_LDFLAGS="$QM_LDFLAGS -fsanitize=undefined"; }])
  AC_ARG_ENABLE([coverage], [AS_HELP_STRING([--enable-coverage], [build with gcov coverage])],
    [test "x$enableval" = xyes && { QM_CXXFLAGS="$QM_CXXFLAGS --coverage"; QM_LDFLAGS="$QM_LDFLAGS --coverage"; }])
  AC_ARG_ENABLE([fuzzing], [AS_HELP_STRING([--enable-fuzzing], [link fuzz targets with libFuzzer (clang)])],
    [qm_fuzzing=$enableval], [qm_fuzzing=no])
  AM_CONDITIONAL([FUZZING], [test "x$qm_fuzzing" = xyes])
  AC_SUBST([QM_CXXFLAGS])
  AC_SUBST([QM_LDFLAGS])
])
