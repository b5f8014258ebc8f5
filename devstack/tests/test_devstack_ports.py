"""Free ports for the servers the tests start."""

from __future__ import annotations

import socket

from devstack import ports
from devstack.ports import _ephemeral_floor, free_port


def test_free_ports_are_distinct_bindable_and_below_the_kernels_ephemeral_range():
    """The kernel gives ports of its ephemeral range to outgoing connections: a server's port
    drawn from it (by binding port 0) could be taken by a client before the server binds it."""
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    assert all(10_000 <= port < _ephemeral_floor() for port in ports), sorted(ports)[-5:]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", ports[-1]))  # nothing listens there


def test_a_port_something_listens_on_is_skipped(monkeypatch):
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", free_port()))
    taken.listen()
    busy = taken.getsockname()[1]
    drawn = iter([busy, busy, busy + 1 if busy + 1 < _ephemeral_floor() else busy - 1])
    monkeypatch.setattr(ports, "_given", set())  # as if another process had chosen it
    monkeypatch.setattr(ports.random, "randint", lambda low, high: next(drawn))
    try:
        assert free_port() not in {busy}
    finally:
        taken.close()
