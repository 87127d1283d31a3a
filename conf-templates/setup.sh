#!/bin/sh
# setup.sh: the body of `make setup`, run after `make install`: creates the
# users and groups (as root), builds the qmail home with qmail's owners and
# modes (qmail-hier), writes the basic control files if control/me is missing
# (config-fast), then verifies everything (instcheck).  Safe to rerun over a
# live installation: nothing that exists is overwritten or removed.
# Usage: setup.sh SRCDIR QMAIL-HIER HOME ALIAS QMAILD QMAILL ROOT QMAILP QMAILQ QMAILR QMAILS QMAIL NOFILES

if [ $# -ne 13 ]; then
  echo "setup.sh: usage: setup.sh srcdir qmail-hier home users(8) groups(2)" >&2
  exit 100
fi
srcdir=$1 hier=$2 home=$3
shift 3

fatal() { echo "make setup: fatal: $*" >&2; exit 111; }

if [ "`id -u`" = 0 ]; then
  sh "$srcdir/conf-templates/setup-users.sh" "$home" "$@" || exit 111
else
  echo "make setup: not running as root: using the existing users and groups."
fi

"$hier" "$home" || fatal "qmail-hier failed"

if [ -f "$home/control/me" ]; then
  echo "make setup: $home/control/me exists; leaving the control files alone."
else
  fqdn=`hostname -f 2>/dev/null`
  case $fqdn in *.*) ;; *) fqdn=`hostname 2>/dev/null` ;; esac
  if [ -n "$fqdn" ]; then
    "$home/bin/config-fast" "$fqdn" || fatal "config-fast failed"
    case $fqdn in
      *.*) ;;
      *) echo "make setup: warning: the host name $fqdn has no dot: qmail-inject will add"
         echo "  defaultdomain $fqdn to it (user@$fqdn.$fqdn is not local).  Rerun"
         echo "  $home/bin/config-fast with the full host name after removing control/me." ;;
    esac
  else
    echo "make setup: unable to find the host name; run $home/bin/config-fast full.host.name"
  fi
fi

"$home/bin/instcheck" || fatal "instcheck found problems (above)"
echo "make setup: $home is ready.  Choose a boot variant (qmail-start(8)), e.g."
echo "  cp $home/boot/maildir $home/rc"
