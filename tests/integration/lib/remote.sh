# remote.sh: helpers for the qmail-remote tests (tests/integration/
# qmail-remote-*.test), sourced after sandbox.sh.  They run a private DNS
# server (dnsmasq, on 127.0.0.53 and a port chosen at run time, with the
# records a test gives it) that qmail-remote reaches through
# control/dnscacheip, scripted SMTP servers (smtp-script-server.py) on
# loopback addresses 127.0.0.x that all listen on one port, REMOTE_PORT, which
# control/smtproutes "::REMOTE_PORT" makes qmail-remote use for every host it
# finds in the DNS, and qmail-remote itself as the sandbox user, bounded in
# time, with its report stream kept in a file.
#
# A test calls, after sb_fresh: remote_init; dns_start with its records;
# script_server_start for each server (a script on stdin, see the header of
# smtp-script-server.py); remote_run; then looks at REMOTE_OUT through
# remote_report, remote_letters and remote_wellformed, and at each server's
# SCRIPT_LOG.  Every server and dnsmasq are killed when the test exits and
# never live longer than REMOTE_LIFETIME seconds.
# Nothing here listens on anything but loopback addresses.

REMOTE_LIB=$top_srcdir/tests/integration/lib
REMOTE_DIR=$SB_DIR/tmp/remote
REMOTE_SERVERS=
REMOTE_DNS_SERVERS=
REMOTE_LOGS=
REMOTE_DNS_PID=
REMOTE_SRV_N=0
REMOTE_RUN_N=0
REMOTE_NEXT=10
REMOTE_DNS_ADDR=127.0.0.53
: "${REMOTE_LIFETIME:=120}"

# remote_init: skips the test when python3 is missing; a copy of
# the script server the sandbox user can run; REMOTE_PORT, free on every test
# address; control/smtproutes "::REMOTE_PORT", short timeouts, a default
# message in REMOTE_MSG; and a trap that stops every server.
remote_init() {
  PATH=$SB_PATH command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
  mkdir -p "$REMOTE_DIR" || bail "unable to create $REMOTE_DIR"
  cp "$REMOTE_LIB/smtp-script-server.py" "$REMOTE_DIR/" || bail "unable to copy the script server"
  chmod 755 "$REMOTE_DIR" "$REMOTE_DIR/smtp-script-server.py"
  sb_message "remote test" >"$REMOTE_DIR/msg"
  REMOTE_MSG=$REMOTE_DIR/msg
  [ $SB_ROOT = yes ] && chown -R "$SB_USER:$SB_GROUP" "$REMOTE_DIR"
  REMOTE_PORT=$(remote_pick_port) || bail "no port free on every test address"
  printf '::%s\n' "$REMOTE_PORT" | sb_control smtproutes
  echo 2 | sb_control timeoutconnect
  echo 10 | sb_control timeoutremote
  trap 'remote_stop_all; sb_cleanup' EXIT
  trap 'exit 99' INT TERM HUP PIPE
}

# remote_pick_port: a TCP port that is free on 127.0.0.1, 127.0.0.10-40,
# 127.0.1.2-41 and ::1 (when there is IPv6), so that a server can listen on it
# at any of these addresses.
remote_pick_port() {
  PATH=$SB_PATH python3 - <<'EOF'
import socket
import sys

addrs = ["127.0.0.1"] + ["127.0.0.%d" % i for i in range(10, 41)] + \
        ["127.0.1.%d" % i for i in range(2, 42)]
try:
    s = socket.socket(socket.AF_INET6)
    s.bind(("::1", 0))
    s.close()
    addrs.append("::1")
except OSError:
    pass
for _ in range(50):
    first = socket.socket(socket.AF_INET)
    first.bind(("127.0.0.10", 0))
    port = first.getsockname()[1]
    held = [first]
    ok = True
    for a in addrs:
        if a == "127.0.0.10":
            continue
        s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET)
        try:
            s.bind((a, port))
            held.append(s)
        except OSError:
            s.close()
            ok = False
            break
    for s in held:
        s.close()
    if ok:
        print(port)
        sys.exit(0)
sys.exit(1)
EOF
}

# _remote_bg OUT COMMAND...: COMMAND in the background as the sandbox user,
# with a clean environment, stdin /dev/null and its output appended to OUT;
# REMOTE_BG_PID is its pid.  No function stands between & and the command (a
# function behind & runs in a subshell that a kill would leave behind).
_remote_bg() {
  _out=$1
  shift
  if [ $SB_ROOT = yes ]; then
    setpriv --reuid="$SB_UID" --regid="$SB_GID" --init-groups -- \
      env - PATH="$SB_PATH" "$@" 9>&- </dev/null >>"$_out" 2>&1 &
  else
    env - PATH="$SB_PATH" "$@" 9>&- </dev/null >>"$_out" 2>&1 &
  fi
  REMOTE_BG_PID=$!
}

# remote_have_v6: ::1 can be bound.
remote_have_v6() {
  PATH=$SB_PATH python3 -c \
    'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null
}

# ---- DNS ----------------------------------------------------------------------
# dns_start [DNSMASQ-OPTIONS...]: dnsmasq as the sandbox user on
# REMOTE_DNS_ADDR and a free port, answering from its options alone (no
# /etc/dnsmasq.conf, /etc/hosts or upstream server; every other name under
# .test is NXDOMAIN), logging every query to REMOTE_DNS_LOG; then
# control/dnscacheip names it.  Skips the whole test when dnsmasq is missing
# (so call it before the first TAP line).  Records as options, for instance:
#   --mx-host=a.test,mx1.a.test,10   --host-record=mx1.a.test,127.0.0.11
#   --cname=alias.test,a.test        --dns-rr=null.test,15,000000 (a null MX)
#   --server=/refused.test/#         (REFUSED: "#" is the upstream servers, and
#                                     there are none)
dns_start() {
  REMOTE_DNSMASQ=$(PATH=$SB_PATH command -v dnsmasq 2>/dev/null)
  [ -n "$REMOTE_DNSMASQ" ] || skip_all "dnsmasq is not installed"
  _try=0
  while [ $_try -lt 5 ]; do
    _try=$((_try + 1))
    REMOTE_DNS_PORT=$(remote_pick_dns_port) || continue
    REMOTE_DNS_LOG=$REMOTE_DIR/dnsmasq.log
    : >"$REMOTE_DNS_LOG"
    [ $SB_ROOT = yes ] && chown "$SB_USER:$SB_GROUP" "$REMOTE_DNS_LOG"
    _remote_bg "$REMOTE_DIR/dnsmasq.err" "$REMOTE_DNSMASQ" --keep-in-foreground \
      --conf-file=/dev/null --no-resolv --no-hosts --no-poll --no-negcache --bind-interfaces \
      --listen-address="$REMOTE_DNS_ADDR" --port="$REMOTE_DNS_PORT" \
      --log-queries --log-facility="$REMOTE_DNS_LOG" --local=/test/ "$@"
    REMOTE_DNS_PID=$REMOTE_BG_PID
    if sb_wait 5 remote_dns_answers; then
      printf '%s:%s\n' "$REMOTE_DNS_ADDR" "$REMOTE_DNS_PORT" | sb_control dnscacheip
      return 0
    fi
    kill -TERM "$REMOTE_DNS_PID" 2>/dev/null
    wait "$REMOTE_DNS_PID" 2>/dev/null
    REMOTE_DNS_PID=
  done
  diag "dnsmasq did not start"
  diag_file "$REMOTE_DIR/dnsmasq.err"
  diag_file "$REMOTE_DNS_LOG"
  return 1
}

# dns_stop: stops dnsmasq (a test that needs other records starts it again).
dns_stop() {
  [ -n "$REMOTE_DNS_PID" ] || return 0
  kill -TERM "$REMOTE_DNS_PID" 2>/dev/null
  sb_wait 5 _remote_gone "$REMOTE_DNS_PID" || kill -KILL "$REMOTE_DNS_PID" 2>/dev/null
  wait "$REMOTE_DNS_PID" 2>/dev/null
  REMOTE_DNS_PID=
}

# remote_pick_dns_port: a port free for both UDP and TCP on REMOTE_DNS_ADDR.
remote_pick_dns_port() {
  PATH=$SB_PATH python3 - "$REMOTE_DNS_ADDR" <<'EOF'
import socket
import sys

for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((sys.argv[1], 0))
    port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind((sys.argv[1], port))
    except OSError:
        continue
    finally:
        t.close()
        u.close()
    print(port)
    sys.exit(0)
sys.exit(1)
EOF
}

# remote_dns_answers: dnsmasq answers a query (for dnsmasq-probe.test, which
# gets NXDOMAIN) within a second.
remote_dns_answers() {
  kill -0 "$REMOTE_DNS_PID" 2>/dev/null || return 1
  dns_query dnsmasq-probe.test 1 >/dev/null 2>&1
}

# dns_tcp_queries NAME: how many queries for NAME came over TCP.  dnsmasq
# answers each TCP connection in a child process, so those log lines carry
# another pid than the main one (the one that logged "started").
dns_tcp_queries() {
  _main=$(sed -n 's/.*dnsmasq\[\([0-9]*\)\]: started.*/\1/p' "$REMOTE_DNS_LOG" | head -n 1)
  grep -F "]: query[" "$REMOTE_DNS_LOG" 2>/dev/null | grep -F -e " $1 from " |
    grep -v -c -F "dnsmasq[$_main]:" | tr -d ' '
}

# dns_query NAME TYPE [tcp]: asks dnsmasq; prints "rcode R tc T answers N"
# (TYPE is a number: 1 A, 15 MX, 28 AAAA).  For the tests' own sanity checks.
dns_query() {
  PATH=$SB_PATH python3 - "$REMOTE_DNS_ADDR" "$REMOTE_DNS_PORT" "$@" <<'EOF'
import random
import socket
import struct
import sys

addr, port, name, qtype = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
tcp = len(sys.argv) > 5 and sys.argv[5] == "tcp"
qname = b"".join(bytes([len(x)]) + x.encode() for x in name.split(".") if x) + b"\0"
query = struct.pack(">HHHHHH", random.randrange(65536), 0x0100, 1, 0, 0, 0) + qname + \
    struct.pack(">HH", qtype, 1)
if tcp:
    s = socket.create_connection((addr, port), timeout=2)
    s.sendall(struct.pack(">H", len(query)) + query)
    data = b""
    while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    data = data[2:]
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    s.sendto(query, (addr, port))
    data = s.recvfrom(65536)[0]
flags = struct.unpack(">H", data[2:4])[0]
answers = struct.unpack(">H", data[6:8])[0]
print("rcode %d tc %d answers %d" % (flags & 15, (flags >> 9) & 1, answers))
EOF
}

# ---- scripted SMTP servers ----------------------------------------------------------
# script_server_start [-a ADDRESS[,ADDRESS...]] [-p PORT] [-d]: a server
# playing the script on stdin at ADDRESS (default: the next of 127.0.0.10,
# .11, ...; several addresses share one process and one log) and PORT
# (default REMOTE_PORT).  -d: a DNS server on UDP answering SERVFAIL instead
# (no script; it lives until the test ends).  Sets SCRIPT_ADDR, SCRIPT_PORT,
# SCRIPT_PID and SCRIPT_LOG (the session log; message M is in
# $SCRIPT_LOG.M.msg).
script_server_start() {
  SCRIPT_ADDR=
  SCRIPT_PORT=$REMOTE_PORT
  _dns=
  while [ $# -gt 0 ]; do
    case $1 in
      -a) SCRIPT_ADDR=$2 && shift 2 ;;
      -p) SCRIPT_PORT=$2 && shift 2 ;;
      -d) _dns=--dns-servfail && shift ;;
      *) bail "script_server_start: unknown option $1" ;;
    esac
  done
  if [ -z "$SCRIPT_ADDR" ]; then
    SCRIPT_ADDR=127.0.0.$REMOTE_NEXT
    REMOTE_NEXT=$((REMOTE_NEXT + 1))
  fi
  REMOTE_SRV_N=$((REMOTE_SRV_N + 1))
  _b=$REMOTE_DIR/srv-$REMOTE_SRV_N
  SCRIPT_LOG=$_b.log
  rm -f "$_b".*
  if [ -n "$_dns" ]; then
    set -- --dns-servfail
  else
    cat >"$_b.script"
    set -- --script "$_b.script"
  fi
  : >"$SCRIPT_LOG"
  [ $SB_ROOT = yes ] && chown "$SB_USER:$SB_GROUP" "$SCRIPT_LOG" "$_b.script" 2>/dev/null
  _remote_bg "$_b.err" python3 "$REMOTE_DIR/smtp-script-server.py" "$@" \
    --address "$SCRIPT_ADDR" --port "$SCRIPT_PORT" --portfile "$_b.port" --pidfile "$_b.pid" \
    --log "$SCRIPT_LOG" --lifetime "$REMOTE_LIFETIME"
  SCRIPT_PID=$REMOTE_BG_PID
  if [ -n "$_dns" ]; then
    REMOTE_DNS_SERVERS="$REMOTE_DNS_SERVERS $SCRIPT_PID"
  else
    REMOTE_SERVERS="$REMOTE_SERVERS $SCRIPT_PID"
    REMOTE_LOGS="$REMOTE_LOGS $SCRIPT_LOG"
  fi
  sb_wait 10 test -s "$_b.port" || {
    diag "the script server on $SCRIPT_ADDR did not start"
    diag_file "$_b.err"
    return 1
  }
  SCRIPT_PORT=$(cat "$_b.port")
}

# _remote_gone PID: the process has exited (a zombie not yet waited for counts)
_remote_gone() {
  kill -0 "$1" 2>/dev/null || return 0
  ps -o stat= -p "$1" 2>/dev/null | grep -q Z
}
# script_server_stop PID: TERM (the server ends within a second), KILL when it lingers.
script_server_stop() {
  kill -TERM "$1" 2>/dev/null || return 0
  sb_wait 5 _remote_gone "$1" || kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}
# script_server_stop_all: stops every script server (between the cases of a test).
script_server_stop_all() {
  for _p in $REMOTE_SERVERS; do script_server_stop "$_p"; done
  REMOTE_SERVERS=
  REMOTE_LOGS=
  REMOTE_NEXT=10
}
remote_stop_all() {
  script_server_stop_all
  for _p in $REMOTE_DNS_SERVERS; do script_server_stop "$_p"; done
  REMOTE_DNS_SERVERS=
  dns_stop
}

# script_log_has ERE [LOG]: a line of the session log (default SCRIPT_LOG) matches ERE.
script_log_has() { grep -Eq -- "$1" "${2:-$SCRIPT_LOG}"; }
# script_connections [LOG]: how many connections the server accepted.
script_connections() { grep -c '^connect ' "${1:-$SCRIPT_LOG}" | tr -d ' '; }
# script_messages [LOG]: how many messages it received.
script_messages() { grep -c '^message ' "${1:-$SCRIPT_LOG}" | tr -d ' '; }

# ---- running qmail-remote ----------------------------------------------------------
# remote_run HOST SENDER RCPT...: qmail-remote as the sandbox user with a clean
# environment, the message REMOTE_MSG on stdin, at most REMOTE_TIMEOUT (60)
# seconds.  Sets REMOTE_OUT (its stdout), REMOTE_ERR (its stderr), REMOTE_RC
# (124 or 137: killed by the backstop) and REMOTE_SECS.  The table of hosts
# that timed out starts empty each time (qmail-rspawn clears it too).
remote_run() {
  REMOTE_RUN_N=$((REMOTE_RUN_N + 1))
  REMOTE_OUT=$REMOTE_DIR/run-$REMOTE_RUN_N.out
  REMOTE_ERR=$REMOTE_DIR/run-$REMOTE_RUN_N.err
  if [ -f "$SB_DIR/pristine/queue/lock/tcpto" ]; then
    cp -p "$SB_DIR/pristine/queue/lock/tcpto" "$Q/queue/lock/tcpto" 2>/dev/null
  fi
  _t0=$(date +%s)
  sb_as env - PATH="$Q/bin:$SB_PATH" timeout -k 5 "${REMOTE_TIMEOUT:-60}" \
    "$Q/bin/qmail-remote" "$@" <"$REMOTE_MSG" >"$REMOTE_OUT" 2>"$REMOTE_ERR" 9>&-
  REMOTE_RC=$?
  REMOTE_SECS=$(($(date +%s) - _t0))
  return 0
}

# remote_message: stdin becomes the message of the next remote_run (REMOTE_MSG).
remote_message() {
  REMOTE_MSG=$REMOTE_DIR/msg-$((REMOTE_RUN_N + 1))
  cat >"$REMOTE_MSG"
}

# remote_report [FILE]: the report stream (default REMOTE_OUT), one record per
# line: NUL becomes a newline and a newline inside a record "/", as qmail-send
# logs it.
remote_report() { tr '\n\0' '/\n' <"${1:-$REMOTE_OUT}"; }

# remote_letters [FILE]: the first letter of every record, e.g. "rhsK".
remote_letters() { remote_report "$@" | cut -c1 | tr -d '\n'; }

# remote_wellformed NRCPT [FILE]: the report stream is qmail-remote's: either
# one r/h/s record per recipient or none, then exactly one K, Z or D record,
# each ending in NUL, nothing after; K only when some recipient got r (when
# there are recipient records); the exit status was 0.  Prints why not.
remote_wellformed() {
  if [ "${REMOTE_RC:-0}" -ne 0 ]; then
    echo "qmail-remote exited $REMOTE_RC"
    return 1
  fi
  PATH=$SB_PATH python3 - "$1" "${2:-$REMOTE_OUT}" <<'EOF'
import sys

n = int(sys.argv[1])
data = open(sys.argv[2], "rb").read()


def bad(why):
    print("report stream %r: %s" % (data[:300], why))
    sys.exit(1)


if not data.endswith(b"\0"):
    bad("does not end in NUL")
recs = data[:-1].split(b"\0")
per, last = recs[:-1], recs[-1]
if last[:1] not in (b"K", b"Z", b"D"):
    bad("the last record is not K, Z or D")
if len(per) not in (0, n):
    bad("%d recipient records for %d recipients" % (len(per), n))
for r in per:
    if r[:1] not in (b"r", b"h", b"s"):
        bad("a recipient record is not r, h or s")
if per and last[:1] == b"K" and not any(r[:1] == b"r" for r in per):
    bad("K, but no recipient was accepted")
sys.exit(0)
EOF
}

# remote_diag: qmail-remote's report and stderr, dnsmasq's log and the log
# of every server of the current case, as TAP comments (after a failure).
remote_diag() {
  diag "qmail-remote exit ${REMOTE_RC:-?} after ${REMOTE_SECS:-?} s; report:"
  [ -f "${REMOTE_OUT:-}" ] && remote_report | sed 's/^/#   /'
  [ -s "${REMOTE_ERR:-}" ] && diag_file "$REMOTE_ERR"
  [ -n "${REMOTE_DNS_LOG:-}" ] && diag_file "$REMOTE_DNS_LOG" 15
  for _l in $REMOTE_LOGS; do
    [ -s "$_l" ] && diag_file "$_l" 30
  done
  return 0
}

# remote_check DESCRIPTION COMMAND...: check, with remote_diag after a failure.
remote_check() {
  _rd=$1
  shift
  if "$@"; then
    ok "$_rd"
  else
    not_ok "$_rd"
    remote_diag
    return 1
  fi
}
