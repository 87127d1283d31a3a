#!/bin/sh
# setup-users.sh: creates qmail's groups and users when they are missing, as
# qmail's INSTALL.ids describes: alias, qmaild, qmaill and qmailp in the nofiles
# group, qmailq, qmailr and qmails in the qmail group; homes <home>/alias for
# alias and <home> for the others; no login shell.  Existing users and groups
# are left alone.  Run by `make setup` as root.
# Usage: setup-users.sh HOME ALIAS QMAILD QMAILL ROOT QMAILP QMAILQ QMAILR QMAILS QMAIL NOFILES

if [ $# -ne 11 ]; then
  echo "setup-users.sh: usage: setup-users.sh home alias qmaild qmaill root qmailp qmailq qmailr qmails qmail nofiles" >&2
  exit 100
fi
home=$1 alias=$2 qmaild=$3 qmaill=$4 root=$5 qmailp=$6 qmailq=$7 qmailr=$8 qmails=$9
shift 9
qmail=$1 nofiles=$2

fatal() { echo "setup-users.sh: fatal: $*" >&2; exit 111; }

shell=/bin/false
for s in /usr/sbin/nologin /sbin/nologin; do
  if [ -x "$s" ]; then shell=$s; break; fi
done

if command -v useradd >/dev/null 2>&1 && command -v groupadd >/dev/null 2>&1; then
  tool=shadow                     # Linux (shadow-utils), Solaris, most others
elif command -v pw >/dev/null 2>&1; then
  tool=pw                         # FreeBSD, DragonFly
else
  fatal "neither useradd/groupadd nor pw found: create the users by hand (see qmail(7))"
fi

group_exists() { getent group "$1" >/dev/null 2>&1 || grep "^$1:" /etc/group >/dev/null 2>&1; }
user_exists() { id "$1" >/dev/null 2>&1; }

add_group() {
  group_exists "$1" && return 0
  echo "Creating group $1..."
  case $tool in
    shadow) groupadd -r "$1" 2>/dev/null || groupadd "$1" ;;
    pw) pw groupadd "$1" ;;
  esac || fatal "unable to create group $1"
}

add_user() {  # name group home
  user_exists "$1" && return 0
  echo "Creating user $1 (group $2, home $3)..."
  case $tool in
    shadow) useradd -r -M -g "$2" -d "$3" -s "$shell" "$1" 2>/dev/null ||
            useradd -g "$2" -d "$3" -s "$shell" "$1" ;;
    pw) pw useradd "$1" -g "$2" -d "$3" -s "$shell" -w no ;;
  esac || fatal "unable to create user $1"
}

add_group "$nofiles"
add_group "$qmail"
add_user "$alias" "$nofiles" "$home/alias"
add_user "$qmaild" "$nofiles" "$home"
add_user "$qmaill" "$nofiles" "$home"
add_user "$qmailp" "$nofiles" "$home"
add_user "$qmailq" "$qmail" "$home"
add_user "$qmailr" "$qmail" "$home"
add_user "$qmails" "$qmail" "$home"
# root owns qmail's files; it is created only when it is one of the names above
# (a test sandbox that runs everything as one user).
user_exists "$root" || fatal "the user $root (the owner of qmail's files) does not exist"

# Deliveries to alias go to the alias user's home: it must be this home's alias/.
alias_home=`getent passwd "$alias" 2>/dev/null | cut -d: -f6`
if [ -n "$alias_home" ] && [ "$alias_home" != "$home/alias" ]; then
  echo "setup-users.sh: warning: the home of $alias is $alias_home, not $home/alias;" >&2
  echo "setup-users.sh: warning: mail for postmaster and root goes there (usermod -d fixes it)" >&2
fi
exit 0
