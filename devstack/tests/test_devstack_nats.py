"""NatsProcess against a real nats-server with JetStream."""

from __future__ import annotations

import contextlib
import time
import urllib.request
from pathlib import Path

import nats

from devstack import NatsProcess, free_port
from devstack._process import pid_gone as gone
from devstack.ports import port_open


async def put(url: str, subject: str, payload: bytes) -> None:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        with contextlib.suppress(Exception):  # already there
            await js.add_stream(name="ORDERS", subjects=["orders.>"])
        await js.publish(subject, payload)
    finally:
        await nc.close()


async def messages(url: str) -> int:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().stream_info("ORDERS")
        return int(info.state.messages)
    finally:
        await nc.close()


async def test_stream_survives_restart(devstack_root: Path) -> None:
    server = NatsProcess(devstack_root / "nats-restart", port=free_port())
    began = time.perf_counter()
    server.start()
    first = time.perf_counter() - began
    try:
        assert server.url == f"nats://127.0.0.1:{server.port}"
        await put(server.url, "orders.created", b"one")
        pid = server.pid
        began = time.perf_counter()
        server.restart()
        warm = time.perf_counter() - began
        assert gone(pid)
        assert await messages(server.url) == 1
    finally:
        server.stop()
    assert not server.running
    print(f"\nnats start: first {first:.2f}s, restart (stop+start) {warm:.2f}s")


async def test_kill_then_start_keeps_synced_data(devstack_root: Path) -> None:
    server = NatsProcess(devstack_root / "nats-crash", port=free_port(), sync_always=True)
    with server:
        await put(server.url, "orders.created", b"one")
        await put(server.url, "orders.paid", b"two")
        pid = server.pid
        server.kill()
        assert gone(pid, within=0.5)
        assert not server.running
        server.start()
        assert await messages(server.url) == 2
        assert "sync_interval: always" in server.config_file.read_text()


def test_session_server_has_monitor(nats_server: NatsProcess) -> None:
    assert nats_server.monitor_url is not None
    with urllib.request.urlopen(f"{nats_server.monitor_url}/healthz?js-enabled-only=true") as r:
        assert r.status == 200


async def test_fresh_nats_is_private_and_restartable(fresh_nats: NatsProcess, nats_server: NatsProcess) -> None:
    assert fresh_nats.port != nats_server.port
    await put(fresh_nats.url, "orders.created", b"x")
    fresh_nats.kill()
    assert not port_open("127.0.0.1", fresh_nats.port)
    fresh_nats.start()
    assert await messages(fresh_nats.url) == 1
