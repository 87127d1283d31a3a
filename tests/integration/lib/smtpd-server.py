#!/usr/bin/env python3
# smtpd-server.py: a tiny per-connection launcher for the qmail-smtpd tests,
# doing what tcpserver does for them and nothing more.
#
#   smtpd-server.py PORTFILE [options] -- program [arg ...]
#
# Listens on 127.0.0.1 (or ::1 with --ipv6) on a port the kernel chooses,
# writes that port to PORTFILE (atomically, by rename), and for each
# connection forks a child with the socket on descriptors 0 and 1 and the
# tcp-environ variables set (PROTO=TCP, TCPREMOTEIP, TCPREMOTEPORT,
# TCPLOCALIP, TCPLOCALPORT), which then executes the program.
#
# Options:
#   --ipv6            listen on ::1 instead of 127.0.0.1
#   --bare            set no tcp-environ variable (and remove inherited ones),
#                     for a program such as tcp-env that finds them itself
#   --env NAME=VALUE  one more environment variable for the program (repeatable)
#   --max N           accept at most N connections, then wait for the children
#   --lifetime S      exit after S seconds whatever happens (default 300)
#   --pidfile FILE    write the launcher's own pid to FILE
#   --child-pids FILE append the pid of each child to FILE, one a line
#
# Whatever the test does, the launcher never outlives its lifetime, and on
# TERM, INT or at the end of its life it kills the children it started.
# The listening socket is bound to a loopback address only.
import errno
import os
import select
import signal
import socket
import sys
import time

TCP_VARS = ("PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPREMOTEHOST", "TCPREMOTEINFO",
            "TCPLOCALIP", "TCPLOCALPORT", "TCPLOCALHOST")


def fail(text, code=111):
    sys.stderr.write("smtpd-server: fatal: " + text + "\n")
    sys.exit(code)


def parse_args(argv):
    if not argv or argv[0].startswith("-"):
        fail("usage: smtpd-server.py PORTFILE [options] -- program [arg ...]", 100)
    opts = {"portfile": argv[0], "ipv6": False, "bare": False, "env": [], "max": 0,
            "lifetime": 300.0, "pidfile": None, "child_pids": None}
    i = 1
    while i < len(argv) and argv[i] != "--":
        a = argv[i]
        if a in ("--ipv6", "--bare"):
            opts[a[2:]] = True
            i += 1
            continue
        if i + 1 >= len(argv):
            fail("option " + a + " needs a value", 100)
        v = argv[i + 1]
        if a == "--env":
            if "=" not in v:
                fail("--env needs NAME=VALUE", 100)
            opts["env"].append(v.split("=", 1))
        elif a == "--max":
            opts["max"] = int(v)
        elif a == "--lifetime":
            opts["lifetime"] = float(v)
        elif a == "--pidfile":
            opts["pidfile"] = v
        elif a == "--child-pids":
            opts["child_pids"] = v
        else:
            fail("unknown option " + a, 100)
        i += 2
    if i >= len(argv) - 1:
        fail("no program given after --", 100)
    opts["program"] = argv[i + 1:]
    return opts


def child_env(opts, conn):
    env = dict(os.environ)
    for name in TCP_VARS:
        env.pop(name, None)
    if not opts["bare"]:
        local = conn.getsockname()
        remote = conn.getpeername()
        env["PROTO"] = "TCP"
        env["TCPLOCALIP"] = local[0]
        env["TCPLOCALPORT"] = str(local[1])
        env["TCPREMOTEIP"] = remote[0]
        env["TCPREMOTEPORT"] = str(remote[1])
    for name, value in opts["env"]:
        env[name] = value
    return env


def run_child(opts, listener, conn):
    # in the child: never return to the accept loop
    try:
        listener.close()
        env = child_env(opts, conn)
        fd = conn.detach()
        os.dup2(fd, 0)
        os.dup2(fd, 1)
        if fd > 1:
            os.close(fd)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        os.execve(opts["program"][0], opts["program"], env)
    except BaseException as e:  # noqa: B902 -- whatever it is, the child must end here
        try:
            os.write(2, ("smtpd-server: unable to run %s: %s\n" % (opts["program"][0], e)).encode())
        finally:
            os._exit(111)


def main(argv):
    opts = parse_args(argv)
    children = set()
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    family = socket.AF_INET6 if opts["ipv6"] else socket.AF_INET
    address = "::1" if opts["ipv6"] else "127.0.0.1"
    try:
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((address, 0))
        listener.listen(128)
    except OSError as e:
        fail("unable to listen on %s: %s" % (address, e.strerror))
    port = listener.getsockname()[1]
    if opts["pidfile"]:
        with open(opts["pidfile"] + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(opts["pidfile"] + ".tmp", opts["pidfile"])
    with open(opts["portfile"] + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(opts["portfile"] + ".tmp", opts["portfile"])

    def reap():
        for pid in list(children):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                children.discard(pid)

    deadline = time.monotonic() + opts["lifetime"]
    accepted = 0
    while not stopping and time.monotonic() < deadline:
        reap()
        if opts["max"] and accepted >= opts["max"]:
            if not children:
                break
            time.sleep(0.05)
            continue
        wait = max(0.0, min(0.5, deadline - time.monotonic()))
        try:
            ready, _, _ = select.select([listener], [], [], wait)
        except InterruptedError:
            continue
        if not ready:
            continue
        try:
            conn, _ = listener.accept()
        except OSError as e:
            if e.errno in (errno.EINTR, errno.ECONNABORTED, errno.EAGAIN):
                continue
            raise
        accepted += 1
        pid = os.fork()
        if pid == 0:
            run_child(opts, listener, conn)
        conn.close()
        children.add(pid)
        if opts["child_pids"]:
            with open(opts["child_pids"], "a") as f:
                f.write("%d\n" % pid)

    listener.close()
    # the end of life: the children go too, TERM first, then KILL
    reap()
    for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
        for pid in children:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        end = time.monotonic() + grace
        while children and time.monotonic() < end:
            reap()
            time.sleep(0.05)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
