"""What one round trip between two processes costs on this machine (issue 18: the platform's
CPU per flow follows its round trips): two processes ping-pong 32 bytes N times over loopback TCP
(TCP_NODELAY) and over a Unix socket pair, blocking sockets, no event loop.

    .venv/bin/python bench/round_trip.py [--n 20000]

Prints wall µs per round trip and each side's CPU µs per round trip (user + system).
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import time


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def measure(n: int, unix: bool) -> tuple[float, float, float]:
    """(wall, this side's CPU, the other side's CPU), seconds per round trip."""
    listener: socket.socket | None = None
    if unix:
        mine, theirs = socket.socketpair(socket.AF_UNIX)
    else:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
    children_before = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
    pid = os.fork()
    if pid == 0:  # the other side: answer every ping
        if listener is not None:
            theirs, _ = listener.accept()
            theirs.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(n):
            theirs.recv(64)
            theirs.send(b"y" * 32)
        os._exit(0)
    if listener is not None:
        mine = socket.create_connection(listener.getsockname())
        mine.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    before, started = _cpu(resource.getrusage(resource.RUSAGE_SELF)), time.perf_counter()
    for _ in range(n):
        mine.send(b"x" * 32)
        mine.recv(64)
    wall = time.perf_counter() - started
    mine_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - before
    os.waitpid(pid, 0)
    theirs_cpu = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - children_before
    mine.close()
    return wall / n, mine_cpu / n, theirs_cpu / n


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    for name, unix in (("loopback TCP", False), ("Unix socket", True)):
        wall, mine, theirs = measure(args.n, unix)
        print(
            f"{name}: {wall * 1e6:.1f} µs a round trip; CPU {mine * 1e6:.1f} µs this side, {theirs * 1e6:.1f} the other"
        )
