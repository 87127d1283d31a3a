#!/usr/bin/env python3
# sink-server.py: a small SMTP server that stands for "the remote host" in the
# tests of qmail-send's remote deliveries (qmail-send, qmail-rspawn and
# qmail-remote end to end).  It keeps every message it accepts as a file and
# answers each recipient by the shape of its local part, so that one sink can
# accept, refuse and defer in the same test.
#
#   sink-server.py PORTFILE DIR [options]
#
# Listens on 127.0.0.1 on a port the kernel chooses (or see --listen), writes
# that port to PORTFILE (atomically, by rename), and serves every connection in
# a thread of its own.  RCPT answers, by local part:
#   reject...   550 5.1.1 (permanent)
#   defer...    450 4.2.1 (temporary), until the file DIR/accept-defer exists
#   anything else  250
# A message accepted at the end of DATA is stored as DIR/msg.N: the lines
# "MAIL FROM:<...>" and "RCPT TO:<...>" (one per accepted recipient), an empty
# line, then the message exactly as received, dot-stuffing undone, with LF line
# ends.  The file appears (by rename) before the 250 is sent, so a client killed
# while it waits for that reply has still delivered the message once.
# DIR/log gets one line per event: "TIME CONN TEXT", where CONN numbers the
# connections from 1 and TEXT is "connect from ADDR:PORT", "< COMMAND",
# "> REPLY", "stored msg.N", or how the connection ended.
#
# Options:
#   --delay S       sleep S seconds before every reply (the greeting too)
#   --hold-data S   sleep S more seconds before the reply to the end of DATA
#   --lifetime S    exit after S seconds whatever happens (default 300)
#   --pidfile FILE  write the server's pid to FILE
#   --listen A:P    listen on the loopback address A, port P (default: 127.0.0.1
#                   and a port the kernel chooses)
#   --one-transaction close
#                   a server that takes one message per connection: it closes
#                   the connection right after its reply to the end of DATA
#   --one-transaction refuse
#                   the same, in words: the connection stays open after the
#                   first message, but the next command (QUIT excepted) gets
#                   "421 4.3.2" and the connection is closed
#
# Every read has a timeout (60 s), every line a length limit, and the process
# never outlives its lifetime.  The socket is bound to a loopback address only.
import os
import signal
import socket
import sys
import threading
import time

MAX_LINE = 10000  # longer than any SMTP line a test sends (RFC 5321 allows 1000)
MAX_MESSAGE = 20 * 1024 * 1024
READ_TIMEOUT = 60.0


def fail(text, code=111):
    sys.stderr.write("sink-server: fatal: " + text + "\n")
    sys.exit(code)


def parse_args(argv):
    if len(argv) < 2 or argv[0].startswith("-") or argv[1].startswith("-"):
        fail("usage: sink-server.py PORTFILE DIR [--delay S] [--hold-data S] "
             "[--lifetime S] [--pidfile FILE] [--listen ADDR:PORT] "
             "[--one-transaction close|refuse]", 100)
    opts = {"portfile": argv[0], "dir": argv[1], "delay": 0.0, "hold": 0.0,
            "lifetime": 300.0, "pidfile": None, "one": None, "listen": "127.0.0.1:0"}
    names = {"--delay": "delay", "--hold-data": "hold", "--lifetime": "lifetime",
             "--pidfile": "pidfile", "--one-transaction": "one", "--listen": "listen"}
    texts = ("--pidfile", "--one-transaction", "--listen")
    i = 2
    while i < len(argv):
        a = argv[i]
        if a not in names:
            fail("unknown option " + a, 100)
        if i + 1 >= len(argv):
            fail("option " + a + " needs a value", 100)
        v = argv[i + 1]
        opts[names[a]] = v if a in texts else float(v)
        i += 2
    if opts["one"] not in (None, "close", "refuse"):
        fail("--one-transaction takes close or refuse", 100)
    addr, _, port = opts["listen"].rpartition(":")
    if not addr.startswith("127.") or not port.isdigit() or int(port) > 65535:
        fail("--listen takes a 127.x.y.z address and a port", 100)
    opts["listen"] = (addr, int(port))
    return opts


class Sink:
    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.Lock()
        self.count = 0
        self.log_file = open(os.path.join(opts["dir"], "log"), "a", buffering=1)

    def log(self, conn_id, text):
        with self.lock:
            self.log_file.write("%.3f %d %s\n" % (time.time(), conn_id, text))

    def store(self, sender, rcpts, data):
        with self.lock:
            self.count += 1
            n = self.count
        name = os.path.join(self.opts["dir"], "msg.%d" % n)
        with open(name + ".tmp", "wb") as f:
            f.write(b"MAIL FROM:<" + sender + b">\n")
            for r in rcpts:
                f.write(b"RCPT TO:<" + r + b">\n")
            f.write(b"\n")
            f.write(data)
        os.rename(name + ".tmp", name)
        return n

    def rcpt_reply(self, addr):
        local = addr.split(b"@", 1)[0].lower()
        if local.startswith(b"reject"):
            return b"550 5.1.1 <" + addr + b">: no mailbox here by that name (sink)"
        if local.startswith(b"defer") and \
                not os.path.exists(os.path.join(self.opts["dir"], "accept-defer")):
            return b"450 4.2.1 <" + addr + b">: mailbox busy, try again later (sink)"
        return b"250 2.1.5 ok"


def address_of(arg):
    # "FROM:<a@b> SIZE=12" -> b"a@b"; None when there are no angle brackets
    lt = arg.find(b"<")
    gt = arg.find(b">", lt + 1)
    if lt < 0 or gt < 0:
        return None
    return arg[lt + 1:gt]


def serve(sink, conn, conn_id, peer):
    opts = sink.opts
    sink.log(conn_id, "connect from %s:%d" % peer[:2])
    conn.settimeout(READ_TIMEOUT)
    rfile = conn.makefile("rb")

    def reply(text, extra_delay=0.0):
        if opts["delay"] + extra_delay > 0:
            time.sleep(opts["delay"] + extra_delay)
        conn.sendall(text + b"\r\n")
        sink.log(conn_id, "> " + text.decode("utf-8", "replace").replace("\r\n", " | "))

    def hang_up():
        # at once, whatever still refers to the socket
        sink.log(conn_id, "closing the connection after its first message")
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def readline():
        line = rfile.readline(MAX_LINE)
        if not line:
            return None
        if not line.endswith(b"\n"):
            raise ValueError("line too long or unterminated")
        return line.rstrip(b"\r\n")

    sender = None
    rcpts = []
    stored = 0  # messages taken on this connection
    reply(b"220 sink.test ESMTP test sink")
    while True:
        line = readline()
        if line is None:
            sink.log(conn_id, "connection closed by the client")
            return
        sink.log(conn_id, "< " + line.decode("utf-8", "replace"))
        verb = line[:4].upper()
        arg = line[5:] if len(line) > 5 else b""
        if stored > 0 and opts["one"] == "refuse" and verb != b"QUIT":
            reply(b"421 4.3.2 one message per connection (sink)")
            hang_up()
            return
        if verb == b"EHLO":
            reply(b"250-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10000000")
        elif verb == b"HELO":
            reply(b"250 sink.test")
        elif verb == b"MAIL":
            sender = address_of(arg)
            rcpts = []
            reply(b"250 2.1.0 ok" if sender is not None else b"501 5.5.4 syntax: MAIL FROM:<address>")
        elif verb == b"RCPT":
            addr = address_of(arg)
            if sender is None:
                reply(b"503 5.5.1 MAIL first")
            elif addr is None:
                reply(b"501 5.5.4 syntax: RCPT TO:<address>")
            else:
                text = sink.rcpt_reply(addr)
                if text.startswith(b"250"):
                    rcpts.append(addr)
                reply(text)
        elif verb == b"DATA":
            if sender is None or not rcpts:
                reply(b"554 5.5.1 no valid recipients")
                continue
            reply(b"354 go ahead")
            body = []
            size = 0
            while True:
                line = readline()
                if line is None:
                    sink.log(conn_id, "connection closed during DATA")
                    return
                if line == b".":
                    break
                if line.startswith(b"."):
                    line = line[1:]
                size += len(line) + 1
                if size > MAX_MESSAGE:
                    raise ValueError("message too big")
                body.append(line + b"\n")
            n = sink.store(sender, rcpts, b"".join(body))
            sink.log(conn_id, "stored msg.%d" % n)
            reply(b"250 2.0.0 ok msg.%d (sink)" % n, opts["hold"])
            sender = None
            rcpts = []
            stored += 1
            if opts["one"] == "close":
                hang_up()
                return
        elif verb == b"RSET":
            sender = None
            rcpts = []
            reply(b"250 2.0.0 ok")
        elif verb == b"NOOP":
            reply(b"250 2.0.0 ok")
        elif verb == b"QUIT":
            reply(b"221 2.0.0 bye")
            return
        else:
            reply(b"502 5.5.2 command not implemented")


def handle(sink, conn, conn_id, peer):
    try:
        serve(sink, conn, conn_id, peer)
    except (OSError, ValueError) as e:
        sink.log(conn_id, "connection ends: %s" % e)
    finally:
        conn.close()


def main(argv):
    opts = parse_args(argv)
    os.makedirs(opts["dir"], exist_ok=True)
    sink = Sink(opts)
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(0))
    # the lifetime holds whatever the threads are doing
    killer = threading.Timer(opts["lifetime"], lambda: os._exit(0))
    killer.daemon = True
    killer.start()
    try:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(opts["listen"])
        listener.listen(128)
    except OSError as e:
        fail("unable to listen on %s:%d: %s" % (opts["listen"] + (e.strerror,)))
    port = listener.getsockname()[1]
    if opts["pidfile"]:
        with open(opts["pidfile"] + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(opts["pidfile"] + ".tmp", opts["pidfile"])
    with open(opts["portfile"] + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(opts["portfile"] + ".tmp", opts["portfile"])
    conn_id = 0
    while True:
        conn, peer = listener.accept()
        conn_id += 1
        t = threading.Thread(target=handle, args=(sink, conn, conn_id, peer), daemon=True)
        t.start()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
