#!/usr/bin/env python3
"""Holds N idle keep-alive connections on a proxy and reports its memory.

Each connection first completes one request (so the proxy has done real work
on it and holds whatever it keeps for a keep-alive connection), then all sit
idle together while the proxy's RSS is read from /proc. Loopback only.

usage: idle_connections.py --port P --pid PID [--count 10000] [--path /health]
       [--pid-children] (sum the PID's child processes too: nginx workers)
"""
import argparse
import resource
import selectors
import socket
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--path", default="/health")
    ap.add_argument("--pid-children", action="store_true")
    ap.add_argument("--hold-seconds", type=float, default=2.0)
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    pids = [args.pid] + (children(args.pid) if args.pid_children else [])
    before = sum(rss_kib(p) for p in pids)

    request = f"GET {args.path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    sel = selectors.DefaultSelector()
    conns = []
    pending = 0
    for i in range(args.count):
        s = socket.create_connection(("127.0.0.1", args.port))
        s.setblocking(False)
        s.send(request)
        sel.register(s, selectors.EVENT_READ, bytearray())
        conns.append(s)
        pending += 1
        # Keep the number of requests in flight bounded.
        while pending > 256 or (i == args.count - 1 and pending > 0):
            for key, _ in sel.select(timeout=10):
                buf = key.data
                data = key.fileobj.recv(65536)
                if not data:
                    sys.exit(f"proxy closed connection {i} before answering")
                buf += data
                if b"\r\n\r\n" in buf:
                    head, _, body = bytes(buf).partition(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value)
                    if len(body) >= length:
                        sel.unregister(key.fileobj)
                        pending -= 1
    time.sleep(args.hold_seconds)
    during = sum(rss_kib(p) for p in pids)
    print(f"connections={len(conns)} rss_before_kib={before} rss_idle_kib={during} "
          f"per_connection_bytes={(during - before) * 1024 // max(1, len(conns))}")
    for s in conns:
        s.close()


if __name__ == "__main__":
    main()
