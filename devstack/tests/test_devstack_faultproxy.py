"""FaultProxy against a real TCP echo server: it passes bytes both ways, delays them, holds
them (a stall: nothing passes, nothing fails) and resets connections (a cut)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from devstack.faultproxy import FaultProxy


@pytest.fixture
async def echo() -> AsyncIterator[int]:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(1024):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


@pytest.fixture
def proxy(echo: int) -> AsyncIterator[FaultProxy]:
    with FaultProxy("127.0.0.1", echo) as running:
        yield running


async def roundtrip(port: int, payload: bytes = b"ping", timeout: float = 5.0) -> tuple[bytes, float]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        began = time.monotonic()
        writer.write(payload)
        await writer.drain()
        data = await asyncio.wait_for(reader.readexactly(len(payload)), timeout)
        return data, time.monotonic() - began
    finally:
        writer.close()


async def test_passes_bytes_both_ways(proxy: FaultProxy) -> None:
    data, _ = await roundtrip(proxy.port, b"hello")
    assert data == b"hello"
    assert proxy.accepted == 1


async def test_latency_delays_each_direction(proxy: FaultProxy) -> None:
    proxy.latency(0.3)
    data, took = await roundtrip(proxy.port)
    assert data == b"ping"
    assert took >= 0.6  # there and back
    proxy.heal()
    _, took = await roundtrip(proxy.port)
    assert took < 0.3


async def test_a_stall_holds_the_bytes_until_healed(proxy: FaultProxy) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    writer.write(b"one")
    assert await asyncio.wait_for(reader.readexactly(3), 5) == b"one"
    proxy.stall()
    writer.write(b"two")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.readexactly(3), 0.5)  # the connection is up, nothing comes
    fresh = asyncio.create_task(roundtrip(proxy.port, b"new", timeout=10))  # accepted, held too
    await asyncio.sleep(0.3)
    assert not fresh.done()
    proxy.heal()
    assert await asyncio.wait_for(reader.readexactly(3), 5) == b"two"
    assert (await fresh)[0] == b"new"
    writer.close()


async def test_a_cut_resets_open_and_new_connections(proxy: FaultProxy) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    writer.write(b"one")
    assert await asyncio.wait_for(reader.readexactly(3), 5) == b"one"
    proxy.cut()
    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        await asyncio.wait_for(reader.readexactly(3), 5)
    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        await roundtrip(proxy.port)
    proxy.heal()
    assert (await roundtrip(proxy.port))[0] == b"ping"
    writer.close()
