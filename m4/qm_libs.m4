# Libraries: OpenSSL (TLS), libidn2 (IDN), Check (unit tests).

AC_DEFUN([QM_WITH_OPENSSL], [
  AC_ARG_ENABLE([tls], [AS_HELP_STRING([--disable-tls], [build without STARTTLS (OpenSSL)])],
    [qm_tls=$enableval], [qm_tls=yes])
  qm_openssl=no
  if test "x$qm_tls" = xyes; then
    PKG_CHECK_MODULES([OPENSSL], [openssl >= 1.1.1], [qm_openssl="yes (`$PKG_CONFIG --modversion openssl`)"
      AC_DEFINE([QM_HAVE_TLS], [1], [build with OpenSSL])],
      [AC_MSG_ERROR([OpenSSL >= 1.1.1 not found; install libssl-dev or use --disable-tls])])
  fi
  AM_CONDITIONAL([HAVE_TLS], [test "x$qm_openssl" != xno])
])

AC_DEFUN([QM_WITH_IDN2], [
  AC_ARG_ENABLE([idn], [AS_HELP_STRING([--disable-idn], [build without IDN support (libidn2)])],
    [qm_idn=$enableval], [qm_idn=yes])
  qm_idn2=no
  if test "x$qm_idn" = xyes; then
    PKG_CHECK_MODULES([IDN2], [libidn2], [qm_idn2="yes (`$PKG_CONFIG --modversion libidn2`)"
      AC_DEFINE([QM_HAVE_IDN2], [1], [build with libidn2])],
      [AC_MSG_ERROR([libidn2 not found; install libidn2-dev or use --disable-idn])])
    # libidn2 is loaded with dlopen when first needed (src/lib/net/idn.cc)
    AC_SEARCH_LIBS([dlopen], [dl], [],
      [AC_MSG_ERROR([dlopen not found; use --disable-idn])])
  fi
  AM_CONDITIONAL([HAVE_IDN2], [test "x$qm_idn2" != xno])
])

AC_DEFUN([QM_WITH_CHECK], [
  PKG_CHECK_MODULES([CHECK], [check >= 0.9.10], [qm_check="yes (`$PKG_CONFIG --modversion check`)"],
    [qm_check="no (make check will fail; install the Check library)"])
  AM_CONDITIONAL([HAVE_CHECK], [test "x$qm_check" != "xno (make check will fail; install the Check library)"])
])
