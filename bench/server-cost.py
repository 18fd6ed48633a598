#!/usr/bin/env python3
"""server-cost.py - a small, deterministic HTTP/1.1 client for counting
what one request costs resolve-server (bench/server-cost.sh): CONNS
keep-alive connections, each sending GET PATH, reading the whole answer,
then sending the next, until TOTAL answers have come. Exit status 1 on
any answer that is not 200.

    server-cost.py HOST PORT PATH TOTAL [CONNS]
"""
import selectors
import socket
import sys


def main():
    host, port, path, total = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    conns = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    req = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    sel = selectors.DefaultSelector()
    sent = done = 0
    for _ in range(min(conns, total)):
        s = socket.create_connection((host, port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(req)
        sent += 1
        sel.register(s, selectors.EVENT_READ, bytearray())
    while done < total:
        for key, _ in sel.select():
            s, buf = key.fileobj, key.data
            chunk = s.recv(65536)
            if not chunk:
                sys.exit("server-cost.py: connection closed")
            buf += chunk
            while True:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    break
                head = buf[:end].decode("latin-1").split("\r\n")
                if not head[0].startswith("HTTP/1.1 200"):
                    sys.exit(f"server-cost.py: {head[0]}")
                length = 0
                for h in head[1:]:
                    k, _, v = h.partition(":")
                    if k.lower() == "content-length":
                        length = int(v)
                if len(buf) < end + 4 + length:
                    break
                del buf[: end + 4 + length]
                done += 1
                if sent < total:
                    s.sendall(req)
                    sent += 1
    for key in list(sel.get_map().values()):
        key.fileobj.close()


main()
