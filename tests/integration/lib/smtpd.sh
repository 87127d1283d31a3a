# smtpd.sh: helpers for the qmail-smtpd tests (tests/integration/smtpd-*.test),
# sourced after sandbox.sh.  They start the sandbox's qmail-smtpd behind a
# per-connection launcher (smtpd-server.py, on a loopback port chosen at run
# time), record what qmail-smtpd hands to the queue (a QMAILQUEUE program that
# keeps each message and envelope), make a self-signed certificate for TLS,
# and run SMTP clients written in Python whose verdicts become TAP lines.
#
# A test calls, after sb_fresh: smtpd_init; then smtpd_start [options] to get
# SMTPD_PORT; then smtpd_py with a Python script on stdin.  Every launcher is
# killed when the test exits, and never lives longer than its --lifetime.

SMTPD_LIB=$top_srcdir/tests/integration/lib
SMTPD_BIN=$SB_DIR/tmp/smtpd-bin
SMTPD_REC=$SB_DIR/tmp/rec
SMTPD_SERVERS=
SMTPD_N=0
# the recorder, as a QMAILQUEUE value (see smtpd_init)
SMTPD_RECORDER=$SMTPD_BIN/qmail-queue-rec

# smtpd_init: copies of the launcher and checkpassword-test that the sandbox
# user can run, the recorder, the Python module of the clients, and a trap
# that stops every launcher.
smtpd_init() {
  command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
  mkdir -p "$SMTPD_BIN" "$SMTPD_REC" || bail "unable to create $SMTPD_BIN"
  cp "$SMTPD_LIB/smtpd-server.py" "$SMTPD_LIB/checkpassword-test" "$SMTPD_BIN/" ||
    bail "unable to copy the launcher"
  smtpd_write_recorder >"$SMTPD_RECORDER"
  smtpd_write_pymodule >"$SMTPD_BIN/smtpdtest.py"
  chmod 755 "$SMTPD_BIN" "$SMTPD_BIN/smtpd-server.py" "$SMTPD_BIN/checkpassword-test" "$SMTPD_RECORDER"
  chmod 755 "$SMTPD_REC"
  # qmail-smtpd-tls is not named after its directory: when the sandbox was
  # installed by hand (no `make setup`), it is missing
  if [ ! -x "$Q/bin/qmail-smtpd-tls" ] && [ -x "$SB_BUILD/src/qmail-smtpd/qmail-smtpd-tls" ]; then
    cp -p "$SB_BUILD/src/qmail-smtpd/qmail-smtpd-tls" "$Q/bin/"
  fi
  [ $SB_ROOT = yes ] && chown -R "$SB_USER:$SB_GROUP" "$SMTPD_BIN" "$SMTPD_REC"
  trap 'smtpd_stop_all; sb_cleanup' EXIT
  # a reader that goes away (| head) must not leave the launchers behind
  trap 'exit 99' INT TERM HUP PIPE
}

# smtpd_start [LAUNCHER-OPTIONS] [-- PROGRAM ARGS...]: a launcher running
# PROGRAM (default: the sandbox's qmail-smtpd) as the sandbox user with a clean
# environment.  Sets SMTPD_PORT, SMTPD_PID (the launcher), SMTPD_ERR (where
# the programs' descriptor 2 goes) and SMTPD_CHILDREN (a file with the pid of
# each connection's process).
smtpd_start() {
  case " $* " in
    *" -- "*) ;;
    *) set -- "$@" -- "$Q/bin/qmail-smtpd" ;;
  esac
  SMTPD_N=$((SMTPD_N + 1))
  _sp=$SB_DIR/tmp/smtpd-$SMTPD_N
  SMTPD_ERR=$_sp.err
  SMTPD_CHILDREN=$_sp.children
  : >"$SMTPD_ERR"
  : >"$SMTPD_CHILDREN"
  [ $SB_ROOT = yes ] && chown "$SB_USER:$SB_GROUP" "$SMTPD_ERR" "$SMTPD_CHILDREN"
  sb_as env - PATH="$Q/bin:$SB_PATH" python3 "$SMTPD_BIN/smtpd-server.py" "$_sp.port" \
    --pidfile "$_sp.pid" --child-pids "$SMTPD_CHILDREN" --lifetime "${SMTPD_LIFETIME:-300}" \
    "$@" 9>&- </dev/null >>"$SMTPD_ERR" 2>&1 &
  sb_wait 10 test -s "$_sp.port" || {
    diag "the launcher did not start"
    diag_file "$SMTPD_ERR"
    return 1
  }
  sb_wait 5 test -s "$_sp.pid"
  SMTPD_PORT=$(cat "$_sp.port")
  SMTPD_PID=$(cat "$_sp.pid")
  SMTPD_SERVERS="$SMTPD_SERVERS $SMTPD_PID"
  export SMTPD_PORT SMTPD_CHILDREN
}

_smtpd_gone() { ! kill -0 "$1" 2>/dev/null; }
# smtpd_stop PID: TERM to one launcher (which kills its children), KILL when
# it lingers.
smtpd_stop() {
  kill -TERM "$1" 2>/dev/null || return 0
  sb_wait 8 _smtpd_gone "$1" && return 0
  kill -KILL "$1" 2>/dev/null
  sb_wait 3 _smtpd_gone "$1"
}
smtpd_stop_all() {
  for _p in $SMTPD_SERVERS; do smtpd_stop "$_p"; done
  SMTPD_SERVERS=
}

# smtpd_diag_errs: what the programs behind every launcher said on stderr.
smtpd_diag_errs() {
  for _e in "$SB_DIR"/tmp/smtpd-*.err; do
    [ -s "$_e" ] && diag_file "$_e"
  done
  return 0
}

# smtpd_have_tls: the sandbox has qmail-smtpd-tls and openssl is there to make
# a certificate.
smtpd_have_tls() {
  [ -x "$Q/bin/qmail-smtpd-tls" ] && command -v openssl >/dev/null 2>&1
}

# smtpd_cert: a self-signed certificate for CN=localhost with its key, in one
# file, as control/servercert.pem (made once per sandbox and kept for a day).
smtpd_cert() {
  _c=$SB_DIR/smtpd-cert.pem
  if [ ! -s "$_c" ] || [ -n "$(find "$_c" -mmin +1440 2>/dev/null)" ]; then
    rm -f "$_c" "$_c.key" "$_c.crt"
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
      -keyout "$_c.key" -out "$_c.crt" >"$SB_DIR/tmp/openssl-req.log" 2>&1 || {
      diag_file "$SB_DIR/tmp/openssl-req.log"
      return 1
    }
    cat "$_c.crt" "$_c.key" >"$_c.new" && mv "$_c.new" "$_c" || return 1
    rm -f "$_c.key" "$_c.crt"
  fi
  sb_control servercert.pem <"$_c"
  chmod 600 "$Q/control/servercert.pem"
}

# smtpd_rec_count: how many messages the recorder kept.
smtpd_rec_count() { find "$SMTPD_REC" -name '*.env' -type f 2>/dev/null | wc -l | tr -d ' '; }

# smtpd_py [NAME]: runs the Python script on stdin (which imports smtpdtest)
# and turns its verdict lines into TAP.  A script that ends with an exception
# or an exit code other than 0 is one more failed test.
smtpd_py() {
  _name=${1:-client}
  _py=$SB_DIR/tmp/py-$TAP_N-$$
  cat >"$_py.py"
  SMTPD_REC=$SMTPD_REC SB_DIR=$SB_DIR Q=$Q PYTHONPATH=$SMTPD_BIN PYTHONDONTWRITEBYTECODE=1 \
    timeout 170 python3 "$_py.py" >"$_py.out" 2>"$_py.err"
  _rc=$?
  while IFS= read -r _line; do
    case $_line in
      "ok "*) ok "${_line#ok }" ;;
      "not_ok "*) not_ok "${_line#not_ok }" ;;
      "skip "*) skip "${_line#skip }" ;;
      "todo_ok "*) _t=${_line#todo_ok } && smtpd_todo ok "${_t#*|}" "${_t%%|*}" ;;
      "todo_not_ok "*) _t=${_line#todo_not_ok } && smtpd_todo "not ok" "${_t#*|}" "${_t%%|*}" ;;
      "diag "*) diag "${_line#diag }" ;;
      *) diag "$_line" ;;
    esac
  done <"$_py.out"
  if [ $_rc -ne 0 ]; then
    not_ok "the $_name script ran to its end (exit $_rc)"
    diag_file "$_py.err" 30
  fi
  return 0
}

# smtpd_todo "ok"|"not ok" DESCRIPTION REASON: a TAP line for a known bug.
smtpd_todo() {
  TAP_N=$((TAP_N + 1))
  echo "$1 $TAP_N - $2 # TODO $3"
}

# smtpd_write_recorder: a QMAILQUEUE program that keeps the message, the
# envelope and a few environment variables in $SMTPD_REC as
# <time>.<pid>.msg/.env/.vars (the .env last, so a reader sees whole ones).
# An envelope that does not end properly is what qmail-smtpd sends to abort
# a message: like qmail-queue, the recorder keeps nothing then.
smtpd_write_recorder() {
  printf '#!/usr/bin/env python3\nREC = %s\n' "'$SMTPD_REC'"
  cat <<'EOF'
import os
import sys
import time


def read_all(fd):
    chunks = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


msg = read_all(0)
env = read_all(1)
if not env.startswith(b"F") or not env.endswith(b"\0\0"):
    sys.exit(91)
name = "%d.%d" % (time.time_ns(), os.getpid())
names = ("PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP", "TCPLOCALPORT",
         "TCPREMOTEHOST", "RELAYCLIENT")
vars_ = "".join("%s=%s\n" % (n, os.environ[n]) for n in names if n in os.environ)
for suffix, data in ((".msg", msg), (".vars", vars_.encode()), (".env", env)):
    tmp = os.path.join(REC, "tmp." + name + suffix)
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, os.path.join(REC, name + suffix))
sys.exit(0)
EOF
}

# smtpd_write_pymodule: the module smtpdtest that the clients import: verdict
# lines, a raw SMTP connection with bounded reads, a TLS context that takes a
# self-signed certificate, and the recorder's messages.
smtpd_write_pymodule() {
  cat <<'EOF'
import glob
import os
import socket
import ssl
import sys

HOST = "127.0.0.1"
TIMEOUT = 20
MAX_LINE = 1 << 20


def _emit(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _one_line(text):
    return " ".join(str(text).split())


def diag(text):
    for line in str(text).splitlines() or [""]:
        _emit("diag " + line)


def check(desc, cond, got=None):
    _emit(("ok " if cond else "not_ok ") + _one_line(desc))
    if not cond and got is not None:
        diag("  got: %r" % (got,))
    return bool(cond)


def skip(desc):
    _emit("skip " + _one_line(desc))


def todo(desc, cond, reason, got=None):
    """A check of a known bug: reported as TODO either way."""
    _emit(("todo_ok " if cond else "todo_not_ok ") + _one_line(reason) + "|" + _one_line(desc))
    if not cond and got is not None:
        diag("  got: %r" % (got,))
    return bool(cond)


def port(name="SMTPD_PORT"):
    return int(os.environ[name])


def tls_context():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


class Raw:
    """One SMTP connection spoken byte by byte; every read has a deadline."""

    def __init__(self, port, host=HOST, timeout=TIMEOUT, tls=False):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if tls:
            self.sock = tls_context().wrap_socket(self.sock)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sock.sendall(data)

    def line(self):
        """The next line without CR LF, or None at end of input."""
        while b"\n" not in self.buf:
            if len(self.buf) > MAX_LINE:
                raise ValueError("reply line too long")
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self):
        """(code, lines) of the next reply; code None at end of input."""
        lines = []
        while True:
            line = self.line()
            if line is None:
                return None, lines
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                break
        code = int(lines[-1][:3]) if lines[-1][:3].isdigit() else None
        return code, lines

    def cmd(self, text):
        self.send(text + "\r\n")
        return self.reply()

    def starttls(self):
        if self.buf:
            raise ValueError("bytes pending before the TLS handshake")
        self.sock = tls_context().wrap_socket(self.sock)

    def pending(self, wait=0.5):
        """Whatever the server sends within `wait` seconds (b"" if nothing)."""
        self.sock.settimeout(wait)
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLError):
            data = b""
        finally:
            self.sock.settimeout(TIMEOUT)
        return data

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def greet(port, host=HOST, name="client.example", tls=False):
    """A Raw connection past the greeting and EHLO; (conn, ehlo lines)."""
    c = Raw(port, host, tls=tls)
    code, lines = c.reply()
    if code != 220:
        raise ValueError("greeting: %r" % (lines,))
    code, lines = c.cmd("EHLO " + name)
    if code != 250:
        raise ValueError("EHLO: %r" % (lines,))
    return c, lines


def recorded():
    """The recorder's messages, oldest first: dicts of sender, rcpts, msg, vars."""
    out = []
    rec = os.environ["SMTPD_REC"]
    for envf in sorted(glob.glob(os.path.join(rec, "[0-9]*.env"))):
        base = envf[:-4]
        with open(envf, "rb") as f:
            env = f.read()
        with open(base + ".msg", "rb") as f:
            msg = f.read()
        with open(base + ".vars", "rb") as f:
            vars_ = dict(l.split("=", 1) for l in f.read().decode().splitlines() if "=" in l)
        fields = env.split(b"\0")
        out.append({
            "sender": fields[0][1:].decode("utf-8", "replace"),
            "rcpts": [x[1:].decode("utf-8", "replace") for x in fields[1:] if x.startswith(b"T")],
            "msg": msg,
            "vars": vars_,
        })
    return out


def maildir(path):
    """The messages of a Maildir (new and cur), as bytes, oldest first."""
    files = []
    for sub in ("new", "cur"):
        d = os.path.join(path, sub)
        if os.path.isdir(d):
            files += [os.path.join(d, n) for n in os.listdir(d)]
    files.sort(key=lambda p: (os.stat(p).st_mtime, p))
    out = []
    for p in files:
        with open(p, "rb") as f:
            out.append(f.read())
    return out


def header_of(msg, name):
    """Values of header field `name` in a stored message (bytes), unfolded."""
    head = msg.split(b"\n\n", 1)[0].decode("utf-8", "replace")
    fields = []
    for line in head.split("\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1] += "\n" + line
        else:
            fields.append(line)
    want = name.lower() + ":"
    return [f[len(want):].strip() for f in fields if f.lower().startswith(want)]


def body_of(msg):
    return msg.split(b"\n\n", 1)[1] if b"\n\n" in msg else b""
EOF
}
