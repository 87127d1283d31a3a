#!/bin/sh
# test-all.sh: install what the build and the tests need (Debian, as root),
# then ./bootstrap, configure and `make -j2 check` in a build directory, and
# print a last line "N passed, N failed, N skipped".  Exits non-zero when
# anything failed.  Run from anywhere in the source tree:
#     sudo scripts/test-all.sh
# Environment: BUILD_DIR (default _build-test), CONFIGURE_FLAGS (default
# --enable-werror), JOBS (default 2), NO_APT=1 to skip the package install.
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=$(pwd)
BUILD_DIR=${BUILD_DIR:-_build-test}
CONFIGURE_FLAGS=${CONFIGURE_FLAGS:---enable-werror}
JOBS=${JOBS:-2}

# what configure, the build and the tests use
PACKAGES="autoconf automake libtool pkg-config make g++ check libssl-dev libidn2-dev
  procps util-linux passwd coreutils findutils gawk sed
  python3 openssl ucspi-tcp swaks msmtp postfix dnsmasq-base
  sasl2-bin libsasl2-modules"

say() { printf 'test-all: %s\n' "$*"; }
fail() {
  say "$*"
  echo "0 passed, 1 failed"
  exit 1
}

if [ "${NO_APT:-}" != 1 ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    say "installing packages: $(echo $PACKAGES)"
    export DEBIAN_FRONTEND=noninteractive
    # Postfix is a test peer only: no system configuration, no running daemon
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -q >/dev/null || fail "apt-get update failed"
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $PACKAGES >/dev/null || fail "apt-get install failed"
  else
    say "not root: not installing packages (needed: $(echo $PACKAGES))"
  fi
fi

say "bootstrap"
./bootstrap >/dev/null 2>&1 || { ./bootstrap; fail "./bootstrap failed"; }
mkdir -p "$BUILD_DIR" || fail "cannot create $BUILD_DIR"
cd "$BUILD_DIR" || exit 1
say "configure $CONFIGURE_FLAGS (in $BUILD_DIR)"
# shellcheck disable=SC2086
"$SRC/configure" $CONFIGURE_FLAGS >configure.out 2>&1 || {
  tail -n 30 configure.out
  fail "configure failed"
}
say "make -j$JOBS check"
start=$(date +%s)
make -j"$JOBS" check >make-check.out 2>&1
status=$?
say "make check took $(($(date +%s) - start)) s; exit status $status"

# the results: one line per test (and per TAP point), then the summary
grep -E '^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR):' make-check.out | sed 's/^/  /'
total() { sed -n "s/^# $1: *\([0-9]*\).*/\1/p" make-check.out | awk '{ n += $1 } END { print n + 0 }'; }
pass=$(total PASS)
xfail=$(total XFAIL)
skip=$(total SKIP)
failed=$(($(total FAIL) + $(total XPASS) + $(total ERROR)))
if [ $status -ne 0 ]; then
  # the logs of what failed, or the build error when no test ran
  if [ -f test-suite.log ] && [ "$failed" -gt 0 ]; then
    sed -n '/^\(FAIL\|ERROR\|XPASS\): /,/^$/p' test-suite.log | head -n 200
    for log in $(find . -name '*.log' -newer configure.out -exec grep -l -E '^(not ok|FAIL)' {} + 2>/dev/null | head -n 10); do
      echo "---- $log"
      grep -E '^(not ok|#)' "$log" | head -n 40
    done
  else
    tail -n 40 make-check.out
  fi
  [ "$failed" -gt 0 ] || failed=1
fi
echo "$((pass + xfail)) passed, $failed failed, $skip skipped"
[ $status -eq 0 ] && [ "$failed" -eq 0 ]
