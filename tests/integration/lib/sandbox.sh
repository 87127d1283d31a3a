# sandbox.sh: the harness of the integration tests, sourced by every
# tests/integration/*.test.  It builds (once, reused while the sources are
# unchanged) a second VPATH build of this tree configured with a qmail home
# under the build directory and ONE unprivileged user for every qmail user and
# group, installs it with `make setup`, and gives each test a fresh queue,
# control/, users/ and homes, helpers to start and stop qmail, to inject mail
# and to wait (bounded in count and time) for files or log lines.  Tests print
# TAP.  Nothing here ever runs a delivery as uid 0: as root the sandbox uses
# the unprivileged user "qmailtest" (created when missing).
#
# Inputs: top_srcdir and top_builddir (set by make check; a test run by hand
# may set them), QM_SANDBOX_DIR (optional: where the sandbox lives).
# Only POSIX sh plus flock(1), setpriv(1) and ps(1) from util-linux/procps.

umask 022
LC_ALL=C
export LC_ALL

# ---- TAP -------------------------------------------------------------------
TAP_N=0
TAP_FAILED=0
tap_plan() { echo "1..$1"; }
ok() {
  TAP_N=$((TAP_N + 1))
  echo "ok $TAP_N - $*"
}
not_ok() {
  TAP_N=$((TAP_N + 1))
  TAP_FAILED=$((TAP_FAILED + 1))
  echo "not ok $TAP_N - $*"
}
skip() {
  TAP_N=$((TAP_N + 1))
  echo "ok $TAP_N # SKIP $*"
}
# check DESCRIPTION COMMAND...: one TAP line from a command's exit status.
check() {
  _d=$1
  shift
  if "$@"; then
    ok "$_d"
  else
    not_ok "$_d"
    return 1
  fi
}
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
# diag_file FILE [LINES]: show the end of a file as TAP comments.
diag_file() {
  [ -f "$1" ] || {
    diag "($1 does not exist)"
    return 0
  }
  diag "---- $1"
  tail -n "${2:-20}" "$1" | sed 's/^/#   /'
}
skip_all() {
  echo "1..0 # SKIP $*"
  exit 0
}
bail() {
  echo "Bail out! $*"
  exit 99
}

# ---- where things are ------------------------------------------------------
if [ -z "${top_srcdir:-}" ]; then
  top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
fi
top_srcdir=$(cd "$top_srcdir" && pwd)
: "${top_builddir:=$top_srcdir}"
top_builddir=$(cd "$top_builddir" && pwd)
export top_srcdir top_builddir
SB_PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin

# ---- the unprivileged user ---------------------------------------------------
SB_ROOT=no
[ "$(id -u)" = 0 ] && SB_ROOT=yes
if [ $SB_ROOT = yes ]; then
  SB_USER=qmailtest
  # tests start in parallel: a useradd that finds /etc/passwd locked retries
  _try=0
  while ! getent passwd "$SB_USER" >/dev/null 2>&1; do
    useradd --system --user-group --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin "$SB_USER" 2>/dev/null && break
    _try=$((_try + 1))
    [ $_try -lt 20 ] || bail "unable to create user $SB_USER"
    sleep 0.5
  done
  SB_GROUP=$(id -gn "$SB_USER")
else
  SB_USER=$(id -un)
  SB_GROUP=$(id -gn)
fi
SB_UID=$(id -u "$SB_USER")
SB_GID=$(id -g "$SB_USER")

# sb_as COMMAND...: run a command as the sandbox user (as root: through setpriv,
# which execs in place, so $! of a background sb_as is the command's pid).
sb_as() {
  if [ $SB_ROOT = yes ]; then
    setpriv --reuid="$SB_UID" --regid="$SB_GID" --init-groups -- "$@"
  else
    "$@"
  fi
}

# ---- the sandbox directories ---------------------------------------------------
SB_DIR=${QM_SANDBOX_DIR:-$top_builddir/tests/sandbox}
mkdir -p "$SB_DIR" || bail "unable to create $SB_DIR"
chmod 755 "$SB_DIR"
if [ $SB_ROOT = yes ] && ! sb_as test -x "$SB_DIR/."; then
  # the build directory is not reachable by the test user (a clone under
  # /root): put the sandbox in /var/tmp instead.
  SB_DIR=/var/tmp/qmail-sandbox-$(printf '%s' "$top_builddir" | cksum | cut -d' ' -f1)
  mkdir -p "$SB_DIR" && chmod 755 "$SB_DIR" || bail "unable to create $SB_DIR"
fi
SB_DIR=$(cd "$SB_DIR" && pwd)
SB_BUILD=$SB_DIR/build
Q=$SB_DIR/q
SB_HOMES=$SB_DIR/h
SB_LOG=$SB_DIR/log/current
SB_SESSIONS=
SB_ME=sb.example

# ---- the lock: one test at a time uses the sandbox ------------------------------
if command -v flock >/dev/null 2>&1; then
  exec 9>>"$SB_DIR/lock"
  flock -w 3600 9 || bail "sandbox lock busy for an hour"
fi

# ---- build and install ----------------------------------------------------
# sb_sources_changed: whether any source file is newer than the build stamp.
sb_sources_changed() {
  [ -f "$SB_DIR/build.stamp" ] || return 0
  _newer=$(find "$top_srcdir" \( -name '.git' -o -name '_build*' -o -name 'autom4te.cache' \
    -o -path '*/tests/sandbox*' -o -path "$top_builddir" -o -path "$SB_DIR" \) -prune -o \
    -type f -newer "$SB_DIR/build.stamp" \( -name '*.cc' -o -name '*.h' -o -name '*.in' \
    -o -name '*.am' -o -name '*.mk' -o -name '*.ac' -o -name '*.m4' -o -name '*.sh' \
    -o -path '*/boot/*' -o -path '*/conf-templates/*' -o -path '*/man/*' \) -print 2>/dev/null | head -n 1)
  [ -n "$_newer" ]
}

# sb_configure_args: the main build's configure options (so --enable-asan and
# the like carry over) without prefix and users, then the sandbox's.
sb_configure_args() {
  _orig=
  if [ -x "$top_builddir/config.status" ]; then
    _orig=$("$top_builddir/config.status" --config 2>/dev/null | tr ' ' '\n' |
      grep -v -E -e "^'?--(prefix|with-users|with-groups|with-qmail-home|srcdir|cache-file|quiet|silent)" \
        -e "^'?-q'?$" | tr '\n' ' ')
  fi
  printf '%s --prefix=%s --with-users=%s --with-groups=%s' "$_orig" "$Q" "$SB_USER" "$SB_GROUP"
}

# sb_build: configure, build and install the sandbox when sources changed.
sb_build() {
  [ -n "${SB_BUILT:-}" ] && return 0
  SB_BUILT=yes
  if ! sb_sources_changed && [ -d "$SB_DIR/pristine/queue" ]; then
    return 0
  fi
  _args=$(sb_configure_args)
  _stamp_new=$SB_DIR/build.stamp.new
  : >"$_stamp_new"
  if [ ! -f "$SB_BUILD/config.status" ] || [ "$(cat "$SB_DIR/configure.args" 2>/dev/null)" != "$_args" ]; then
    rm -rf "$SB_BUILD"
    mkdir -p "$SB_BUILD"
    _src=$top_srcdir
    if [ -f "$top_srcdir/config.status" ]; then
      # configured in the source tree: a VPATH build is impossible, so copy it
      rm -rf "$SB_DIR/src"
      mkdir -p "$SB_DIR/src"
      (cd "$top_srcdir" && tar cf - --exclude=./.git --exclude='./_build*' \
        --exclude=./tests/sandbox --exclude='*.o' --exclude='*.lo' --exclude='*.la' \
        --exclude=.deps --exclude=.libs --exclude='./config.status' --exclude=./config.h \
        --exclude=./Makefile --exclude=./libtool --exclude=./stamp-h1 .) |
        (cd "$SB_DIR/src" && tar xf -) || bail "unable to copy the sources"
      _src=$SB_DIR/src
    fi
    printf '%s' "$_args" >"$SB_DIR/configure.args"
    if ! (cd "$SB_BUILD" && eval "\"$_src/configure\" -q $_args") >"$SB_DIR/configure.log" 2>&1; then
      diag_file "$SB_DIR/configure.log" 30
      bail "sandbox configure failed (see $SB_DIR/configure.log)"
    fi
  fi
  # -k: a program that does not build yet makes only its own tests skip
  if (cd "$SB_BUILD" && make -k -j2 >"$SB_DIR/make.log" 2>&1); then
    echo ok >"$SB_DIR/make.status"
  else
    echo failed >"$SB_DIR/make.status"
    diag "sandbox: some programs did not build (see $SB_DIR/make.log)"
  fi
  # what earlier tests left must not become the pristine state
  rm -rf "$Q/queue" "$Q/control" "$Q/users" "$Q/alias"
  sb_setup || return 1
  rm -rf "$SB_DIR/pristine"
  mkdir -p "$SB_DIR/pristine"
  cp -a "$Q/queue" "$SB_DIR/pristine/queue" || bail "unable to save the empty queue"
  [ -d "$Q/control" ] && cp -a "$Q/control" "$SB_DIR/pristine/control"
  mv "$_stamp_new" "$SB_DIR/build.stamp"
}

# sb_setup: `make setup` into the sandbox home; as root the files end owned by
# the test user because every configured qmail user is that user.  When setup
# fails (setup-sandbox.test reports it) the programs that did build are
# installed by hand so that their own tests can still run.
sb_setup() {
  if (cd "$SB_BUILD" && make -n setup >/dev/null 2>&1); then
    if (cd "$SB_BUILD" && make setup >"$SB_DIR/setup.log" 2>&1); then
      echo ok >"$SB_DIR/setup.status"
    else
      echo "make setup failed" >"$SB_DIR/setup.status"
    fi
  else
    echo "no make setup target" >"$SB_DIR/setup.status"
    echo "no make setup target" >"$SB_DIR/setup.log"
  fi
  if [ "$(cat "$SB_DIR/setup.status")" != ok ]; then
    diag "sandbox: $(cat "$SB_DIR/setup.status"); installing the built programs by hand"
    mkdir -p "$Q/bin"
    for _d in "$SB_BUILD"/src/*/; do
      _p=$_d$(basename "$_d")
      [ -f "$_p" ] && [ -x "$_p" ] && cp -p "$_p" "$Q/bin/"
    done
  fi
  sb_ensure_hier
  if [ $SB_ROOT = yes ]; then
    # only what is not the user's yet: chown clears setuid bits
    find "$Q" ! -user "$SB_USER" -exec chown -h "$SB_USER:$SB_GROUP" {} + 2>/dev/null
  fi
  [ -d "$Q/queue" ] || bail "sandbox: no queue after setup (see $SB_DIR/setup.log)"
}

# sb_ensure_hier: the queue and home directories qmail needs, for what `make
# setup` did not create (it is a safety net: setup itself is tested by
# setup-*.test).
sb_ensure_hier() {
  _split=$(sed -n 's/^#define QMAIL_SPLIT \([0-9]*\).*/\1/p' "$SB_BUILD/config.h" 2>/dev/null)
  : "${_split:=23}"
  if [ ! -d "$Q/queue" ]; then
    mkdir -p "$Q/queue" && chmod 750 "$Q/queue"
    for _d in pid intd todo bounce; do mkdir -p "$Q/queue/$_d" && chmod 700 "$Q/queue/$_d"; done
    chmod 750 "$Q/queue/todo"
    for _d in mess info local remote; do
      mkdir -p "$Q/queue/$_d"
      _i=0
      while [ $_i -lt "$_split" ]; do
        mkdir -p "$Q/queue/$_d/$_i"
        _i=$((_i + 1))
      done
      chmod -R 700 "$Q/queue/$_d"
    done
    chmod -R 750 "$Q/queue/mess"
    mkdir -p "$Q/queue/lock" && chmod 750 "$Q/queue/lock"
    : >"$Q/queue/lock/sendmutex"
    dd if=/dev/zero of="$Q/queue/lock/tcpto" bs=2048 count=1 2>/dev/null
    mkfifo -m 622 "$Q/queue/lock/trigger"
  fi
  for _d in control users alias; do [ -d "$Q/$_d" ] || mkdir -p "$Q/$_d"; done
}

# ---- per test state ---------------------------------------------------------------
# sb_fresh: a fresh queue, control/, users/, alias/, homes and log.
sb_fresh() {
  sb_build
  rm -rf "$Q/queue" "$SB_HOMES" "$SB_DIR/log" "$SB_DIR/tmp"
  cp -a "$SB_DIR/pristine/queue" "$Q/queue" || bail "unable to restore the queue"
  rm -rf "$Q/control"
  if [ -d "$SB_DIR/pristine/control" ]; then cp -a "$SB_DIR/pristine/control" "$Q/control"; else mkdir -p "$Q/control"; fi
  rm -f "$Q/control/me" "$Q/control/locals" "$Q/control/rcpthosts" "$Q/control/defaultdomain" \
    "$Q/control/plusdomain" "$Q/control/virtualdomains" "$Q/control/doublebounceto"
  rm -rf "$Q/users"
  mkdir -p "$Q/users" "$Q/alias" "$SB_HOMES" "$SB_DIR/log" "$SB_DIR/tmp"
  rm -f "$Q"/alias/.qmail*
  printf '%s\n' "$SB_ME" >"$Q/control/me"
  printf '%s\n%s\n' "$SB_ME" localhost >"$Q/control/locals"
  printf '%s\n%s\n' "$SB_ME" localhost >"$Q/control/rcpthosts"
  printf '%s\n' "$SB_ME" >"$Q/control/defaultdomain"
  : >"$SB_LOG"
  SB_ASSIGN=
  if [ $SB_ROOT = yes ]; then
    chown -R "$SB_USER:$SB_GROUP" "$Q/control" "$Q/users" "$Q/alias" "$SB_HOMES" "$SB_DIR/log" "$SB_DIR/tmp"
  fi
  trap 'sb_cleanup' EXIT
  trap 'exit 99' INT TERM HUP
}

# sb_need PROGRAM...: skip the whole test when a program is not installed.
sb_need() {
  sb_build
  for _p in "$@"; do
    [ -x "$Q/bin/$_p" ] || skip_all "$_p is not built yet"
  done
}

# sb_user NAME: a local user NAME (mail address NAME@sb.example, NAME-ext too)
# with home $SB_HOMES/NAME and an empty Maildir, delivered as the test user.
sb_user() {
  _h=$SB_HOMES/$1
  mkdir -p "$_h/Maildir/new" "$_h/Maildir/cur" "$_h/Maildir/tmp"
  chmod 700 "$_h/Maildir"
  [ $SB_ROOT = yes ] && chown -R "$SB_USER:$SB_GROUP" "$_h"
  SB_ASSIGN="$SB_ASSIGN=$1:$SB_USER:$SB_UID:$SB_GID:$_h:::
+$1-:$SB_USER:$SB_UID:$SB_GID:$_h:-::
"
}

# sb_assign LINE: one more users/assign line (before the catch-all).
sb_assign() {
  SB_ASSIGN="$SB_ASSIGN$1
"
}

# sb_users_commit: write users/assign (with a catch-all sending every other
# local address to the alias home, never to a real home) and run qmail-newu.
sb_users_commit() {
  printf '%s+:%s:%s:%s:%s:-::\n.\n' "$SB_ASSIGN" "$SB_USER" "$SB_UID" "$SB_GID" "$Q/alias" >"$Q/users/assign"
  [ $SB_ROOT = yes ] && chown "$SB_USER:$SB_GROUP" "$Q/users/assign"
  sb_as "$Q/bin/qmail-newu" >"$SB_DIR/tmp/newu.out" 2>&1 || {
    diag_file "$SB_DIR/tmp/newu.out"
    return 1
  }
}

# sb_write FILE: stdin into FILE (mode 644, owned by the test user).
sb_write() {
  mkdir -p "$(dirname "$1")"
  cat >"$1"
  chmod 644 "$1"
  [ $SB_ROOT = yes ] && chown "$SB_USER:$SB_GROUP" "$1" "$(dirname "$1")"
  return 0
}

# sb_dotqmail USER [EXT]: stdin into USER's .qmail or .qmail-EXT.
sb_dotqmail() {
  if [ -n "${2:-}" ]; then sb_write "$SB_HOMES/$1/.qmail-$2"; else sb_write "$SB_HOMES/$1/.qmail"; fi
}

# sb_maildir DIR: an empty Maildir at DIR owned by the test user.
sb_maildir() {
  mkdir -p "$1/new" "$1/cur" "$1/tmp"
  chmod 700 "$1"
  [ $SB_ROOT = yes ] && chown -R "$SB_USER:$SB_GROUP" "$1"
  return 0
}

# sb_control NAME: stdin into control/NAME.
sb_control() { sb_write "$Q/control/$1"; }

# ---- running qmail ------------------------------------------------------------------
# sb_start [DEFAULTDELIVERY]: qmail-start as the test user in a session of its
# own, logging through `cat >> $SB_LOG`; waits for qmail-send's first status line.
sb_start() {
  _before=$(grep -c 'status:' "$SB_LOG" 2>/dev/null)
  _pidfile=$SB_DIR/log/session.$$
  rm -f "$_pidfile"
  # the inner sh leads the new session: its pid is the session id
  sb_as setsid sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$_pidfile" \
    env - PATH="$Q/bin:$SB_PATH" "$Q/bin/qmail-start" "${1:-./Maildir/}" \
    sh -c 'exec cat >>"$0"' "$SB_LOG" 9>&- </dev/null >>"$SB_DIR/log/start.err" 2>&1 &
  sb_wait 10 test -s "$_pidfile" || {
    diag "qmail-start did not start"
    return 1
  }
  SB_SID=$(cat "$_pidfile")
  SB_SESSIONS="$SB_SESSIONS $SB_SID"
  sb_wait 15 sb_log_count_above 'status:' "${_before:-0}" || {
    diag "qmail-send did not log a status line within 15 s"
    diag_file "$SB_LOG"
    diag_file "$SB_DIR/log/start.err"
    return 1
  }
}

# sb_session_pids SID: the pids in session SID.
sb_session_pids() { ps -e -o pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'; }
# sb_pid NAME [SID]: the pid of the program NAME in qmail's session.
sb_pid() { ps -e -o pid=,sid=,comm= | awk -v s="${2:-$SB_SID}" -v n="$1" '$2 == s && $3 == n { print $1; exit }'; }
sb_session_alive() { [ -n "$(sb_session_pids "$1")" ]; }
sb_session_dead() { ! sb_session_alive "$1"; }
sb_log_count_above() {
  _c=$(grep -c -- "$1" "$SB_LOG" 2>/dev/null)
  [ "${_c:-0}" -gt "$2" ]
}

# sb_stop [SID]: TERM to qmail-send, then the rest of the session when it
# lingers; KILL after a bounded wait.
sb_stop() {
  _sid=${1:-$SB_SID}
  [ -n "$_sid" ] || return 0
  _send=$(sb_pid qmail-send "$_sid")
  [ -n "$_send" ] && kill -TERM "$_send" 2>/dev/null
  sb_wait 30 sb_session_dead "$_sid" && return 0
  for _p in $(sb_session_pids "$_sid"); do kill -TERM "$_p" 2>/dev/null; done
  sb_wait 5 sb_session_dead "$_sid" && return 0
  for _p in $(sb_session_pids "$_sid"); do kill -KILL "$_p" 2>/dev/null; done
  sb_wait 5 sb_session_dead "$_sid"
}

sb_cleanup() {
  for _s in $SB_SESSIONS; do sb_stop "$_s" >/dev/null 2>&1; done
  SB_SESSIONS=
}

# ---- waiting -------------------------------------------------------------------------
# sb_wait SECONDS COMMAND...: poll COMMAND every 0.1 s, at most SECONDS (and
# at most SECONDS*10 tries); true when COMMAND succeeded.
sb_wait() {
  _limit=$1
  shift
  _tries=$((_limit * 10))
  _end=$(($(date +%s) + _limit + 1))
  while [ $_tries -gt 0 ]; do
    "$@" && return 0
    [ "$(date +%s)" -gt $_end ] && break
    sleep 0.1
    _tries=$((_tries - 1))
  done
  "$@"
}

# sb_count DIR: how many messages a Maildir holds (new and cur).
sb_count() { find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l | tr -d ' '; }
sb_count_at_least() { [ "$(sb_count "$1")" -ge "$2" ]; }
# sb_wait_mail MAILDIR N [SECONDS]: wait until MAILDIR holds N messages.
sb_wait_mail() { sb_wait "${3:-20}" sb_count_at_least "$1" "$2"; }
# sb_wait_file FILE [SECONDS]
sb_wait_file() { sb_wait "${2:-20}" test -s "$1"; }
sb_log_has() { grep -q -- "$1" "$SB_LOG"; }
# sb_wait_log PATTERN [SECONDS]
sb_wait_log() { sb_wait "${2:-20}" sb_log_has "$1"; }
# sb_mail MAILDIR: the messages of a Maildir, concatenated, oldest first.
sb_mail() { find "$1/new" "$1/cur" -type f 2>/dev/null | sort | xargs -r cat; }
# sb_mail_has MAILDIR ERE: some message of MAILDIR has a line matching ERE.
sb_mail_has() { sb_mail "$1" | grep -Eq -- "$2"; }
# sb_queue_count: messages in the queue (files in queue/mess), read directly
# so that a test of delivery does not depend on qmail-qstat.
sb_queue_count() { sb_as find "$Q/queue/mess" -type f 2>/dev/null | wc -l | tr -d ' '; }
sb_queue_empty() { [ "$(sb_queue_count)" -eq 0 ]; }

# ---- injecting --------------------------------------------------------------------------
# sb_sendmail ARGS...: the sandbox's sendmail, message on stdin.
sb_sendmail() {
  sb_as env - PATH="$Q/bin:$SB_PATH" HOME="$SB_DIR/tmp" USER=tester LOGNAME=tester \
    "$Q/bin/sendmail" "$@"
}
# sb_inject ARGS...: the sandbox's qmail-inject, message on stdin.
sb_inject() {
  sb_as env - PATH="$Q/bin:$SB_PATH" HOME="$SB_DIR/tmp" USER=tester LOGNAME=tester \
    "$Q/bin/qmail-inject" "$@"
}
# sb_message SUBJECT [BODY]: a small message on stdout.
sb_message() {
  printf 'From: Tester <tester@%s>\nSubject: %s\n\n%s\n' "$SB_ME" "$1" "${2:-hello from the sandbox}"
}
