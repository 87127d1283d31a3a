#!/usr/bin/env python3
# smtp-script-server.py: a scripted, possibly hostile SMTP server for the
# qmail-remote tests (tests/integration/qmail-remote-*.test, through
# lib/remote.sh).  It plays a small script of replies, writes down every byte
# it receives, keeps each message it is sent, and never lives longer than its
# --lifetime.
#
#   smtp-script-server.py --script FILE --address ADDR [options]
#   smtp-script-server.py --dns-servfail --address ADDR [options]
#
# Options:
#   --address ADDR   the loopback address to listen on (127.0.0.0/8 or ::1), or
#                    several, separated by commas (all on the same port)
#   --port N         the port (default 0: the kernel chooses one)
#   --portfile FILE  where the port is written, by rename, once listening
#   --pidfile FILE   where the server's own pid is written
#   --log FILE       the log of the sessions (see below; default: stderr)
#   --lifetime S     exit after S seconds whatever happens (default 120)
#   --max N          exit after N connections (default: no limit)
#   --dns-servfail   no SMTP: answer every DNS query on UDP port N with SERVFAIL
#
# Connections are served one at a time, in the order they arrive.
#
# The script: one directive a line; blank lines and lines starting with "#"
# are ignored.
#   connection          the rules after it are for the next connection; the
#                       last section serves every later connection too
#   greeting REPLY      sent when a client connects (default "220 script.test ESMTP")
#   VERB REPLY          the reply to the command VERB (upper case: EHLO, MAIL,
#                       RCPT, ...).  Several lines for one verb are used in
#                       turn; the last is used again for every later command.
#   message REPLY       the reply after the final dot of a message (in turn, as
#                       above; default "250 ok queued as N")
#   data-mode strict    only CR LF . CR LF ends the data (the default); a line
#                       is what ends in CR LF
#   data-mode lenient   a line ends in CR LF, a bare LF or a bare CR, and a
#                       line "." ends the data (what old receivers do)
# Defaults: EHLO "250-script.test / 250-PIPELINING / 250 8BITMIME", HELO, MAIL,
# RCPT, RSET, NOOP "250 ...", DATA "354 ..." (but "554 ..." when no RCPT since
# the last MAIL got a 2xx reply, as RFC 2920 3.1 expects of a server), QUIT
# "221 ..." then close, any other command "502 ...".  A DATA reply that starts
# with 354 starts the data.
# REPLY is text, sent with CR LF, where "\n" separates lines, and the escapes
# \\ \r \t \0 \xHH stand for bytes; or one of
#   silent              never answer again: read (and log) until the client leaves
#   close               close the connection at once, without a reply
#   raw BYTES           exactly BYTES (escapes as above; nothing added)
#   lines N CODE TEXT   a reply of N lines "CODE-TEXT 1" ... "CODE TEXT N"
#   long N [TEXT]       TEXT's first line followed by N bytes "x", then
#                       TEXT's other lines, if any
#   sleep S REPLY       wait S seconds, then REPLY
#   and-close REPLY     REPLY, then close the connection
#
# The log: one line per event, untrusted bytes escaped (\xHH), long lines cut:
#   connect N FROM to ADDR:PORT   connection N (from 1) was accepted
#   < LINE                   a command line received (" (LF only)" when it did
#                            not end in CR LF)
#   > LINE                   a reply line sent ("> raw ..." for raw bytes)
#   message M: ...           message M (from 1) ended; its data as received is in
#                            LOG.M.raw, the message (lines undotted, CR LF line
#                            ends, without the final dot) in LOG.M.msg
#   eof / closed / silent / timeout / overlong command line / end
# Everything it binds is a loopback address; every wait has a deadline.
import os
import select
import signal
import socket
import struct
import sys
import time

MAX_COMMAND_LINE = 1 << 20  # a longer command line ends the connection
MAX_MESSAGE = 64 << 20  # so does a longer message
LOG_CUT = 2000  # bytes of a line shown in the log

DEFAULTS = {
    "EHLO": "250-script.test\\n250-PIPELINING\\n250 8BITMIME",
    "HELO": "250 script.test",
    "MAIL": "250 ok",
    "RCPT": "250 ok",
    "DATA": "354 go ahead",
    "RSET": "250 ok",
    "NOOP": "250 ok",
    "QUIT": "and-close 221 bye",
}
DEFAULT_OTHER = "502 unimplemented"
DEFAULT_GREETING = "220 script.test ESMTP"


def fail(text, code=111):
    sys.stderr.write("smtp-script-server: fatal: " + text + "\n")
    sys.exit(code)


def unescape(text):
    """The bytes of a script text: \\\\ \\r \\n \\t \\0 \\xHH decoded."""
    out = bytearray()
    i = 0
    raw = text.encode("utf-8")
    while i < len(raw):
        c = raw[i]
        if c != 0x5C or i + 1 >= len(raw):
            out.append(c)
            i += 1
            continue
        n = chr(raw[i + 1])
        if n in "\\rnt0":
            out += {"\\": b"\\", "r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0"}[n]
            i += 2
        elif n == "x" and i + 4 <= len(raw):
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
        else:
            raise ValueError("bad escape in %r" % text)
    return bytes(out)


def escape(data):
    """Bytes as one printable log line, cut at LOG_CUT."""
    cut = data[:LOG_CUT]
    s = "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else
                ("\\\\" if b == 0x5C else "\\x%02x" % b) for b in cut)
    if len(data) > LOG_CUT:
        s += "...(%d bytes)" % len(data)
    return s


class Action:
    """What the server does for one reply: wait, send bytes, then maybe close or fall silent."""

    def __init__(self, data=b"", delay=0.0, after=None):
        self.data = data
        self.delay = delay
        self.after = after  # None, "close" or "silent"


def parse_reply(text):
    text = text.strip("\r\n")
    word, _, rest = text.partition(" ")
    if word == "silent":
        return Action(after="silent")
    if word == "close":
        return Action(after="close")
    if word == "raw":
        return Action(unescape(rest))
    if word == "sleep":
        secs, _, inner = rest.partition(" ")
        a = parse_reply(inner)
        a.delay = float(secs)
        return a
    if word == "and-close":
        a = parse_reply(rest)
        a.after = "close"
        return a
    if word == "lines":
        n, code, line = (rest.split(" ", 2) + ["", ""])[:3]
        n = int(n)
        body = b"".join(b"%s-%s %d\r\n" % (code.encode(), line.encode(), i) for i in range(1, n))
        return Action(body + b"%s %s %d\r\n" % (code.encode(), line.encode(), n))
    if word == "long":
        n, _, line = rest.partition(" ")
        first, *more = unescape(line).split(b"\n")
        return Action(b"".join(x + b"\r\n" for x in [first + b"x" * int(n)] + more))
    return Action(b"".join(piece + b"\r\n" for piece in unescape(text).split(b"\n")))


class Section:
    def __init__(self):
        self.greeting = None
        self.replies = {}  # verb -> [Action]
        self.messages = []
        self.lenient = False

    def reply_for(self, verb, count):
        """The Action for the count-th (from 0) use of verb in this connection."""
        if verb == "message":
            rules = self.messages
        else:
            rules = self.replies.get(verb)
        if not rules:
            if verb == "message":
                return None
            return parse_reply(DEFAULTS.get(verb, DEFAULT_OTHER))
        return rules[min(count, len(rules) - 1)]


def parse_script(text):
    sections = [Section()]
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        try:
            s = sections[-1]
            if word == "connection":
                sections.append(Section())
            elif word == "greeting":
                s.greeting = parse_reply(rest)
            elif word == "message":
                s.messages.append(parse_reply(rest))
            elif word == "data-mode":
                if rest.strip() not in ("strict", "lenient"):
                    raise ValueError("data-mode is strict or lenient")
                s.lenient = rest.strip() == "lenient"
            elif word.isalpha() and word.isupper():
                s.replies.setdefault(word, []).append(parse_reply(rest))
            else:
                raise ValueError("unknown directive " + word)
        except (ValueError, IndexError) as e:
            fail("script line %d: %s" % (number, e), 100)
    return sections


class Log:
    def __init__(self, path):
        self.path = path
        self.f = open(path, "a", buffering=1) if path else sys.stderr

    def __call__(self, text):
        self.f.write(text + "\n")
        self.f.flush()

    def keep(self, suffix, data):
        if not self.path:
            return
        with open(self.path + suffix + ".tmp", "wb") as f:
            f.write(data)
        os.rename(self.path + suffix + ".tmp", self.path + suffix)


class Stop(Exception):
    """The connection is over (eof, closed by the script, or the deadline)."""


class Connection:
    def __init__(self, sock, section, log, deadline, stopping, counters):
        self.sock = sock
        self.section = section
        self.log = log
        self.deadline = deadline
        self.stopping = stopping
        self.counters = counters
        self.buf = b""
        self.uses = {}
        self.rcpt_ok = False  # some RCPT got 2xx since the last MAIL

    def more(self):
        """Reads what is there into buf; Stop at eof, the deadline or a signal."""
        while True:
            if self.stopping or time.monotonic() >= self.deadline:
                self.log("timeout")
                raise Stop()
            wait = max(0.0, min(0.5, self.deadline - time.monotonic()))
            try:
                ready, _, _ = select.select([self.sock], [], [], wait)
            except InterruptedError:
                continue
            if not ready:
                continue
            try:
                chunk = self.sock.recv(65536)
            except OSError as e:
                self.log("recv error: %s" % e.strerror)
                raise Stop()
            if not chunk:
                self.log("eof")
                raise Stop()
            self.buf += chunk
            return

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            self.log("send error: %s" % e.strerror)
            raise Stop()

    def play(self, action):
        if action.delay:
            end = min(self.deadline, time.monotonic() + action.delay)
            while time.monotonic() < end and not self.stopping:
                time.sleep(min(0.1, max(0.0, end - time.monotonic())))
        if action.data:
            lines = action.data.split(b"\r\n")
            plain = all(b"\n" not in x and b"\r" not in x for x in lines)
            if action.data.endswith(b"\r\n") and plain:
                for x in lines[:-1]:
                    self.log("> " + escape(x))
            else:
                self.log("> raw " + escape(action.data))
            self.send(action.data)
        if action.after == "close":
            self.log("closed")
            raise Stop()
        if action.after == "silent":
            self.log("silent")
            while True:
                self.more()
                self.log("(ignored) " + escape(self.buf))
                self.buf = b""

    def reply(self, verb):
        n = self.uses.get(verb, 0)
        self.uses[verb] = n + 1
        action = self.section.reply_for(verb, n)
        if action is None:
            action = parse_reply("250 ok queued as %d" % self.counters["messages"])
        if verb == "DATA" and verb not in self.section.replies and not self.rcpt_ok:
            action = parse_reply("554 5.5.1 no valid recipients")
        if verb in ("MAIL", "RSET", "HELO", "EHLO"):
            self.rcpt_ok = False
        elif verb == "RCPT" and action.data.startswith(b"2"):
            self.rcpt_ok = True
        self.play(action)
        return action

    def command_line(self):
        while b"\n" not in self.buf:
            if len(self.buf) > MAX_COMMAND_LINE:
                self.log("overlong command line: " + escape(self.buf))
                raise Stop()
            self.more()
        line, self.buf = self.buf.split(b"\n", 1)
        if line.endswith(b"\r"):
            self.log("< " + escape(line[:-1]))
            return line[:-1]
        self.log("< " + escape(line) + " (LF only)")
        return line

    def next_data_line(self, pos):
        """(line, end) of the data line at buf[pos:], or None when incomplete."""
        if not self.section.lenient:
            i = self.buf.find(b"\r\n", pos)
            return None if i < 0 else (self.buf[pos:i], i + 2)
        for i in range(pos, len(self.buf)):
            c = self.buf[i]
            if c == 0x0A:
                return self.buf[pos:i], i + 1
            if c == 0x0D:
                if i + 1 >= len(self.buf):
                    return None  # CR LF or a bare CR: the next byte says
                return self.buf[pos:i], i + (2 if self.buf[i + 1] == 0x0A else 1)
        return None

    def data(self):
        """Reads one message up to its final dot; keeps it."""
        pos = 0
        lines = []
        while True:
            got = self.next_data_line(pos)
            if got is None:
                if len(self.buf) > MAX_MESSAGE:
                    self.log("message too long")
                    raise Stop()
                self.more()
                continue
            line, pos = got
            if line == b".":
                break
            lines.append(line[1:] if line.startswith(b".") else line)
        raw, self.buf = self.buf[:pos], self.buf[pos:]
        msg = b"".join(x + b"\r\n" for x in lines)
        self.counters["messages"] += 1
        m = self.counters["messages"]
        crlf = raw.count(b"\r\n")
        bare_lf = raw.count(b"\n") - crlf
        bare_cr = raw.count(b"\r") - crlf
        self.log.keep(".%d.raw" % m, raw)
        self.log.keep(".%d.msg" % m, msg)
        self.log("message %d: %d bytes, %d lines, bare CR %d, bare LF %d"
                 % (m, len(raw), len(lines), bare_cr, bare_lf))

    def run(self):
        self.play(self.section.greeting or parse_reply(DEFAULT_GREETING))
        while True:
            line = self.command_line()
            verb = line.split(b" ", 1)[0].split(b":", 1)[0].decode("latin-1").upper()
            if not verb.isalpha():
                verb = "?"
            action = self.reply(verb)
            if verb == "DATA" and action.data.startswith(b"354"):
                self.data()
                self.reply("message")


def serve_dns(sock, log, deadline, stopping):
    """Every query gets SERVFAIL (RFC 1035 4.1.1 rcode 2), its question echoed."""
    while not stopping and time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], 0.5)
        if not ready:
            continue
        try:
            pkt, peer = sock.recvfrom(4096)
        except OSError:
            continue
        if len(pkt) < 12:
            continue
        qid, flags = struct.unpack(">HH", pkt[:4])
        log("dns query %d from %s" % (qid, peer[0]))
        flags = 0x8000 | (flags & 0x7900) | 0x0080 | 2  # QR, opcode and RD kept, RA
        qd = struct.unpack(">H", pkt[4:6])[0]
        end = 12
        if qd == 1:
            while end < len(pkt) and pkt[end] != 0 and pkt[end] < 64:
                end += 1 + pkt[end]
            end = min(len(pkt), end + 5)
        reply = struct.pack(">HHHHHH", qid, flags, 1 if qd == 1 else 0, 0, 0, 0) + pkt[12:end]
        try:
            sock.sendto(reply, peer)
        except OSError:
            pass


def parse_args(argv):
    opts = {"script": None, "address": None, "port": 0, "portfile": None, "pidfile": None,
            "log": None, "lifetime": 120.0, "max": 0, "dns_servfail": False}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--dns-servfail":
            opts["dns_servfail"] = True
            i += 1
            continue
        if i + 1 >= len(argv) or not a.startswith("--"):
            fail("usage: smtp-script-server.py --script FILE --address ADDR [options]", 100)
        key = a[2:]
        if key not in opts or key == "dns_servfail":
            fail("unknown option " + a, 100)
        v = argv[i + 1]
        opts[key] = int(v) if key in ("port", "max") else float(v) if key == "lifetime" else v
        i += 2
    if not opts["address"]:
        fail("no --address", 100)
    if not opts["script"] and not opts["dns_servfail"]:
        fail("no --script", 100)
    return opts


def is_loopback(address):
    return address == "::1" or address.startswith("127.")


def main(argv):
    opts = parse_args(argv)
    for address in opts["address"].split(","):
        if not is_loopback(address):
            fail("only loopback addresses: " + address, 100)
    sections = None
    if opts["script"]:
        with open(opts["script"], encoding="utf-8") as f:
            sections = parse_script(f.read())
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    kind = socket.SOCK_DGRAM if opts["dns_servfail"] else socket.SOCK_STREAM
    listeners = []
    port = opts["port"]
    for address in opts["address"].split(","):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        try:
            listener = socket.socket(family, kind)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((address, port))
            if kind == socket.SOCK_STREAM:
                listener.listen(16)
        except OSError as e:
            fail("unable to listen on %s port %d: %s" % (address, port, e.strerror))
        port = listener.getsockname()[1]  # the kernel's choice is used for every address
        listeners.append(listener)
    log = Log(opts["log"])
    for name, value in (("pidfile", os.getpid()), ("portfile", port)):
        if opts[name]:
            with open(opts[name] + ".tmp", "w") as f:
                f.write("%d\n" % value)
            os.rename(opts[name] + ".tmp", opts[name])

    deadline = time.monotonic() + opts["lifetime"]
    if opts["dns_servfail"]:
        serve_dns(listeners[0], log, deadline, stopping)
        log("end")
        return 0
    counters = {"messages": 0}
    accepted = 0
    while not stopping and time.monotonic() < deadline:
        if opts["max"] and accepted >= opts["max"]:
            break
        try:
            ready, _, _ = select.select(listeners, [], [], 0.5)
        except InterruptedError:
            continue
        if not ready:
            continue
        try:
            conn, peer = ready[0].accept()
        except OSError:
            continue
        accepted += 1
        # bounds sendall() too: a client that stops reading cannot hold the server
        conn.settimeout(max(1.0, deadline - time.monotonic()))
        local = conn.getsockname()
        log("connect %d %s:%d to %s:%d" % (accepted, peer[0], peer[1], local[0], local[1]))
        section = sections[min(accepted, len(sections)) - 1]
        try:
            Connection(conn, section, log, deadline, stopping, counters).run()
        except Stop:
            pass
        finally:
            conn.close()
    log("end")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
