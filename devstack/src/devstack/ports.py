"""Free TCP ports."""

from __future__ import annotations

import functools
import random
import socket
from pathlib import Path

_EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 10_000
_given: set[int] = set()


@functools.cache
def _ephemeral_floor() -> int:
    """The lowest port the kernel hands to outgoing connections (32768 unless configured)."""
    try:
        return int(_EPHEMERAL.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now, for a server started next.

    Drawn at random below the kernel's ephemeral range, not by binding port 0: a port the
    kernel picks that way is one it may also give to an outgoing connection (a client's, to
    PostgreSQL or NATS) before the server binds it, and a NATS node of the cluster test failed
    to start so ("address already in use"). Never the same port twice in one process."""
    floor = _ephemeral_floor()
    top = floor - 1 if floor - 1 > _LOWEST + 1_000 else 60_999
    for _ in range(200):
        port = random.randint(_LOWEST, top)
        if port in _given:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
        _given.add(port)
        return port
    raise OSError(f"no free TCP port found on {host} between {_LOWEST} and {top}")


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    """True if a TCP connect to ``host:port`` succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
