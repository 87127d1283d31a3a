#!/bin/sh
# quick-start.sh: qmail on a fresh Debian 12 machine, as root, from this
# source tree: installs the build dependencies, builds, runs `make setup`
# (users, groups, /var/qmail, control files named after this host), starts
# qmail with the maildir boot variant (under systemd when systemd runs the
# machine, otherwise in the background) and sends a test message to a local
# user, printing where it landed.
#     sudo scripts/quick-start.sh
# Environment: BUILD_DIR (default _build), CONFIGURE_FLAGS (extra configure
# options, e.g. --prefix=/var/qmail), MAIL_USER (who gets the test message;
# default the user who ran sudo, else a new user "mailtest").
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=$(pwd)
BUILD_DIR=${BUILD_DIR:-_build}

say() { printf 'quick-start: %s\n' "$*"; }
die() {
  say "fatal: $*"
  exit 1
}
[ "$(id -u)" = 0 ] || die "run me as root (sudo $0): make setup creates users and installs into /var/qmail"

# 1. what the build needs
say "installing build dependencies"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || die "apt-get update failed"
apt-get install -y -q --no-install-recommends autoconf automake libtool pkg-config make g++ \
  libssl-dev libidn2-dev check procps util-linux passwd hostname >/dev/null || die "apt-get install failed"

# 2. build and install
say "building in $BUILD_DIR"
./bootstrap >/dev/null 2>&1 || die "./bootstrap failed"
mkdir -p "$BUILD_DIR" && cd "$BUILD_DIR" || exit 1
# shellcheck disable=SC2086
"$SRC/configure" -q ${CONFIGURE_FLAGS:-} >configure.out 2>&1 || {
  tail -n 20 configure.out
  die "configure failed"
}
make -j"$(nproc)" >make.out 2>&1 || {
  tail -n 30 make.out
  die "make failed (see $BUILD_DIR/make.out)"
}
say "make setup"
make setup >setup.out 2>&1 || {
  tail -n 30 setup.out
  die "make setup failed"
}
QH=$(sed -n 's/^#define QMAIL_HOME "\(.*\)"$/\1/p' config.h)
[ -d "$QH" ] || die "no qmail home after make setup"
cd "$SRC" || exit 1

# 3. the host: make setup already ran config-fast with this host's name
me=$(cat "$QH/control/me" 2>/dev/null)
case $me in
  *.*) ;;
  *)
    # a host name without a dot: qmail-inject would complete user@host to
    # user@host.defaultdomain, which is not local; give the host a domain
    fqdn=$(hostname -f 2>/dev/null || hostname)
    case $fqdn in *.*) ;; *) fqdn=${fqdn:-localhost}.localdomain ;; esac
    say "host name without a domain; naming this host $fqdn in control/"
    for f in me defaultdomain plusdomain locals rcpthosts; do rm -f "$QH/control/$f"; done
    "$QH/bin/config-fast" "$fqdn" >/dev/null || die "config-fast $fqdn failed"
    me=$(cat "$QH/control/me")
    ;;
esac
say "this host receives mail for: $(tr '\n' ' ' <"$QH/control/locals")"

# 4. who gets the test message; root's mail goes to the alias user, so the
# usual aliases point at that user too
user=${MAIL_USER:-${SUDO_USER:-}}
[ "$user" = root ] && user=
if [ -z "$user" ]; then
  user=mailtest
  getent passwd "$user" >/dev/null || useradd --create-home --shell /bin/sh "$user" || die "useradd $user failed"
fi
home=$(getent passwd "$user" | cut -d: -f6)
[ -d "$home" ] || die "$user has no home directory"
if [ ! -d "$home/Maildir" ]; then
  runuser -u "$user" -- "$QH/bin/maildirmake" "$home/Maildir" || die "maildirmake failed"
fi
for a in root postmaster mailer-daemon; do
  [ -e "$QH/alias/.qmail-$a" ] || { echo "$user" >"$QH/alias/.qmail-$a" && chmod 644 "$QH/alias/.qmail-$a"; }
done

# 5. start qmail with the maildir boot variant
[ -f "$QH/rc" ] || { cp "$QH/boot/maildir" "$QH/rc" && chmod 755 "$QH/rc"; } || die "cannot write $QH/rc"
if [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ]; then
  cp "$QH/boot/qmail.service" /etc/systemd/system/qmail.service || die "cannot install the unit"
  systemctl daemon-reload
  systemctl enable qmail >/dev/null 2>&1
  systemctl restart qmail || die "systemctl restart qmail failed (journalctl -u qmail)"
  say "qmail runs under systemd (systemctl status qmail)"
elif pgrep -x qmail-send >/dev/null 2>&1; then
  say "qmail-send is already running; leaving it alone"
else
  setsid "$QH/rc" </dev/null >/dev/null 2>&1 &
  say "qmail started in the background ($QH/rc)"
fi
i=0
while [ $i -lt 50 ] && ! pgrep -x qmail-send >/dev/null 2>&1; do
  sleep 0.2
  i=$((i + 1))
done
pgrep -x qmail-send >/dev/null 2>&1 || die "qmail-send is not running"

# 6. a test message
before=$(find "$home/Maildir/new" -type f | wc -l)
printf 'To: %s\nSubject: qmail quick start\n\nIf you read this, qmail delivers mail on %s.\n' \
  "$user" "$me" | env USER="${USER:-root}" LOGNAME="${LOGNAME:-root}" "$QH/bin/sendmail" -t ||
  die "sendmail failed"
i=0
while [ $i -lt 150 ] && [ "$(find "$home/Maildir/new" -type f | wc -l)" -le "$before" ]; do
  sleep 0.2
  i=$((i + 1))
done
f=$(ls -t "$home/Maildir/new" 2>/dev/null | head -n 1)
if [ "$(find "$home/Maildir/new" -type f | wc -l)" -le "$before" ] || [ -z "$f" ]; then
  "$QH/bin/qmail-qstat"
  die "the test message was not delivered within 30 s"
fi
say "the test message to $user@$me landed in $home/Maildir/new/$f"
say "send more with: echo 'Subject: hi' | $QH/bin/sendmail $user"
