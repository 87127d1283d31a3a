# qmail's conf-home, conf-users, conf-groups, conf-split and conf-spawn as
# configure options.

# QM_QMAIL_HOME: the qmail home is --prefix (default /var/qmail).
AC_DEFUN([QM_QMAIL_HOME], [
  test "x$prefix" = xNONE && prefix=$ac_default_prefix
  QMAIL_HOME=$prefix
  AC_SUBST([QMAIL_HOME])
  AC_DEFINE_UNQUOTED([QMAIL_HOME], ["$QMAIL_HOME"], [the qmail home directory (conf-qmail)])
])

# QM_USERS: user and group names (conf-users, conf-groups).
AC_DEFUN([QM_USERS], [
  AC_ARG_WITH([users],
    [AS_HELP_STRING([--with-users=LIST],
      [qmail user names as alias,qmaild,qmaill,root,qmailp,qmailq,qmailr,qmails
       (default alias,qmaild,qmaill,root,qmailp,qmailq,qmailr,qmails); a single
       name uses it for every role, as the test sandbox does])],
    [qm_users=$withval], [qm_users=alias,qmaild,qmaill,root,qmailp,qmailq,qmailr,qmails])
  AC_ARG_WITH([groups],
    [AS_HELP_STRING([--with-groups=LIST],
      [qmail group names as qmail,nofiles (default qmail,nofiles)])],
    [qm_groups=$withval], [qm_groups=qmail,nofiles])
  case $qm_users in
    *,*) ;;
    *) qm_users="$qm_users,$qm_users,$qm_users,$qm_users,$qm_users,$qm_users,$qm_users,$qm_users" ;;
  esac
  case $qm_groups in
    *,*) ;;
    *) qm_groups="$qm_groups,$qm_groups" ;;
  esac
  save_IFS=$IFS; IFS=,
  set dummy $qm_users; shift
  IFS=$save_IFS
  test $[#] -eq 8 || AC_MSG_ERROR([--with-users needs eight names or one])
  QMAIL_USER_ALIAS=$[1]; QMAIL_USER_QMAILD=$[2]; QMAIL_USER_QMAILL=$[3]; QMAIL_USER_ROOT=$[4]
  QMAIL_USER_QMAILP=$[5]; QMAIL_USER_QMAILQ=$[6]; QMAIL_USER_QMAILR=$[7]; QMAIL_USER_QMAILS=$[8]
  save_IFS=$IFS; IFS=,
  set dummy $qm_groups; shift
  IFS=$save_IFS
  test $[#] -eq 2 || AC_MSG_ERROR([--with-groups needs two names or one])
  QMAIL_GROUP_QMAIL=$[1]; QMAIL_GROUP_NOFILES=$[2]
  AC_DEFINE_UNQUOTED([QMAIL_USER_ALIAS], ["$QMAIL_USER_ALIAS"], [qmail user name: alias])
  AC_DEFINE_UNQUOTED([QMAIL_USER_QMAILD], ["$QMAIL_USER_QMAILD"], [qmail user name: qmaild])
  AC_DEFINE_UNQUOTED([QMAIL_USER_QMAILL], ["$QMAIL_USER_QMAILL"], [qmail user name: qmaill])
  AC_DEFINE_UNQUOTED([QMAIL_USER_ROOT], ["$QMAIL_USER_ROOT"], [qmail user name: root])
  AC_DEFINE_UNQUOTED([QMAIL_USER_QMAILP], ["$QMAIL_USER_QMAILP"], [qmail user name: qmailp])
  AC_DEFINE_UNQUOTED([QMAIL_USER_QMAILQ], ["$QMAIL_USER_QMAILQ"], [qmail user name: qmailq])
  AC_DEFINE_UNQUOTED([QMAIL_USER_QMAILR], ["$QMAIL_USER_QMAILR"], [qmail user name: qmailr])
  AC_DEFINE_UNQUOTED([QMAIL_USER_QMAILS], ["$QMAIL_USER_QMAILS"], [qmail user name: qmails])
  AC_DEFINE_UNQUOTED([QMAIL_GROUP_QMAIL], ["$QMAIL_GROUP_QMAIL"], [qmail group name])
  AC_DEFINE_UNQUOTED([QMAIL_GROUP_NOFILES], ["$QMAIL_GROUP_NOFILES"], [nofiles group name])
  AC_SUBST([QMAIL_USER_ALIAS]) AC_SUBST([QMAIL_USER_QMAILD]) AC_SUBST([QMAIL_USER_QMAILL])
  AC_SUBST([QMAIL_USER_ROOT]) AC_SUBST([QMAIL_USER_QMAILP]) AC_SUBST([QMAIL_USER_QMAILQ])
  AC_SUBST([QMAIL_USER_QMAILR]) AC_SUBST([QMAIL_USER_QMAILS])
  AC_SUBST([QMAIL_GROUP_QMAIL]) AC_SUBST([QMAIL_GROUP_NOFILES])
])

# QM_QUEUE_SPLIT: number of queue subdirectories (conf-split).
AC_DEFUN([QM_QUEUE_SPLIT], [
  AC_ARG_WITH([queue-split],
    [AS_HELP_STRING([--with-queue-split=N], [queue subdirectories, a prime (default 23)])],
    [QMAIL_SPLIT=$withval], [QMAIL_SPLIT=23])
  case $QMAIL_SPLIT in
    ''|*[[!0-9]]*) AC_MSG_ERROR([--with-queue-split needs a number]) ;;
  esac
  test "$QMAIL_SPLIT" -ge 1 && test "$QMAIL_SPLIT" -le 999 || AC_MSG_ERROR([queue split must be 1..999])
  AC_SUBST([QMAIL_SPLIT])
  AC_DEFINE_UNQUOTED([QMAIL_SPLIT], [$QMAIL_SPLIT], [queue subdirectories (conf-split)])
])

# QM_SPAWN_LIMIT: most simultaneous deliveries (conf-spawn).
AC_DEFUN([QM_SPAWN_LIMIT], [
  AC_ARG_WITH([spawn-limit],
    [AS_HELP_STRING([--with-spawn-limit=N], [most simultaneous local or remote deliveries (default 120, at most 255)])],
    [QMAIL_SPAWN=$withval], [QMAIL_SPAWN=120])
  case $QMAIL_SPAWN in
    ''|*[[!0-9]]*) AC_MSG_ERROR([--with-spawn-limit needs a number]) ;;
  esac
  test "$QMAIL_SPAWN" -ge 1 && test "$QMAIL_SPAWN" -le 255 || AC_MSG_ERROR([spawn limit must be 1..255])
  AC_SUBST([QMAIL_SPAWN])
  AC_DEFINE_UNQUOTED([QMAIL_SPAWN], [$QMAIL_SPAWN], [most simultaneous deliveries (conf-spawn)])
])

# QM_PATRN: permission bits that make a home directory or .qmail file unsafe
# (qmail's conf-patrn).  qmail defaulted to 002; we refuse group-writable too.
AC_DEFUN([QM_PATRN], [
  AC_ARG_WITH([patrn],
    [AS_HELP_STRING([--with-patrn=OCTAL],
      [mode bits that make qmail-local refuse a home directory or .qmail file (default 022: group- or world-writable)])],
    [QMAIL_PATRN=$withval], [QMAIL_PATRN=022])
  case $QMAIL_PATRN in
    ''|*[[!0-7]]*) AC_MSG_ERROR([--with-patrn needs an octal mode]) ;;
  esac
  AC_SUBST([QMAIL_PATRN])
  AC_DEFINE_UNQUOTED([QMAIL_PATRN], [0$QMAIL_PATRN], [unsafe mode bits for homes and .qmail files (conf-patrn)])
])
