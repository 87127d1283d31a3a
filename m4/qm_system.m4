# QM_PROBE_SYSTEM: what this Unix variant offers.  The results land in
# config.h; only src/lib/compat looks at them.
AC_DEFUN([QM_PROBE_SYSTEM], [
  AC_LANG_PUSH([C++])
  AC_CHECK_HEADERS([utmpx.h utmp.h sys/file.h])
  AC_CHECK_FUNCS([flock lockf mkfifo waitpid sigaction fdatasync setgroups initgroups])
  if test "x$ac_cv_func_flock" = xyes; then qm_lock=flock
  elif test "x$ac_cv_func_lockf" = xyes; then qm_lock=lockf
  else AC_MSG_ERROR([neither flock nor lockf is available]); fi
  AC_DEFINE_UNQUOTED([QM_LOCK_FLOCK], [`test $qm_lock = flock && echo 1 || echo 0`], [lock with flock rather than lockf])
  test "x$ac_cv_func_mkfifo" = xyes || AC_MSG_ERROR([named pipes (mkfifo) are required for the queue trigger])
  test "x$ac_cv_func_waitpid" = xyes || AC_MSG_ERROR([waitpid is required])
  test "x$ac_cv_func_sigaction" = xyes || AC_MSG_ERROR([sigaction is required])
  test "x$ac_cv_header_utmpx_h" = xyes || ac_cv_header_utmpx_h=no

  # where res_query lives: libc (BSD, glibc >= 2.34), libresolv, or libbind
  qm_res_query=no
  AC_SEARCH_LIBS([res_query], [resolv bind], [qm_res_query="${ac_cv_search_res_query}"],
    [AC_SEARCH_LIBS([__res_query], [resolv bind], [qm_res_query="${ac_cv_search___res_query}"])])
  test "x$qm_res_query" = "xnone required" && qm_res_query=libc
  RESOLV_LIBS=$LIBS; LIBS=
  AC_SUBST([RESOLV_LIBS])

  AC_MSG_CHECKING([for the IPv6 socket API])
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>]], [[struct sockaddr_in6 s; s.sin6_family = AF_INET6; s.sin6_addr = in6addr_any; return sizeof s > 0 ? 0 : 1;]])],
    [qm_ipv6=yes; AC_DEFINE([QM_HAVE_IPV6], [1], [the IPv6 socket API is present])], [qm_ipv6=no])
  AC_MSG_RESULT([$qm_ipv6])
  AC_LANG_POP([C++])
])
