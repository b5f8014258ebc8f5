"""NatsProcess against a real nats-server with JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from pathlib import Path

import nats
from nats.js import JetStreamContext

from devstack import NatsProcess, free_port
from devstack._process import pid_gone as gone
from devstack.nats import NatsCluster
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


async def test_a_cluster_loses_nothing_when_one_node_is_killed(devstack_root: Path) -> None:
    cluster = NatsCluster(
        devstack_root / "cluster", ports=[free_port() for _ in range(3)], route_ports=[free_port() for _ in range(3)]
    )
    with cluster:
        assert cluster.url == ",".join(node.url for node in cluster.nodes)
        assert all("sync_interval: always" in node.config_file.read_text() for node in cluster.nodes)
        nc = await nats.connect(cluster.url.split(","))
        try:
            js = nc.jetstream()
            await js.add_stream(name="ORDERS", subjects=["orders.>"], num_replicas=3)
            for n in range(5):
                await js.publish("orders.created", b"%d" % n)
            leader = (await js.stream_info("ORDERS")).cluster.leader
            victim = next(node for node in cluster.nodes if node.config_file.read_text().count(f'"{leader}"'))
            victim.kill()
            for n in range(5, 10):  # a new leader takes over; the client may have to reconnect
                await _publish_until_acked(js, n)
            victim.start(timeout=60)
            info = await js.stream_info("ORDERS")
            assert info.state.messages == 10
            assert info.config.num_replicas == 3
        finally:
            await nc.close()


async def _publish_until_acked(js: JetStreamContext, n: int, within: float = 30.0) -> None:
    """As the outbox relay does: again until acknowledged, with an id JetStream deduplicates by."""
    deadline = time.monotonic() + within
    while True:
        try:
            await js.publish("orders.created", b"%d" % n, timeout=2, headers={"Nats-Msg-Id": f"order-{n}"})
            return
        except nats.errors.Error:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
