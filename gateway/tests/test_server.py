"""The gateway's HTTP protocol (`gateway.server`): writes of one event-loop turn leave as one,
in order, and nothing held is lost on close or sent after abort. Over real loopback sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from gateway_support import BIG_BYTES

from gateway.server import CoalescingTransport


class Writes:
    """The real transport, with a record of what reached its `write` (no behaviour changed)."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.calls: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.calls.append(bytes(data))
        self.transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class _Accepting(asyncio.Protocol):
    def __init__(self, made: asyncio.Future[asyncio.Transport]) -> None:
        self.made = made

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)  # asyncio's own loop in these tests
        self.made.set_result(transport)


Pair = tuple[CoalescingTransport, Writes, asyncio.StreamReader]


@pytest.fixture
async def pair() -> AsyncIterator[Pair]:
    """A coalescing transport on the server side of a real TCP connection, and the client's reader."""
    loop = asyncio.get_running_loop()
    made: asyncio.Future[asyncio.Transport] = loop.create_future()
    server = await loop.create_server(lambda: _Accepting(made), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    real = await made
    writes = Writes(real)
    try:
        yield CoalescingTransport(writes, loop), writes, reader  # type: ignore[arg-type]
    finally:
        writer.close()
        real.close()
        server.close()
        await server.wait_closed()


async def _turn() -> None:
    await asyncio.sleep(0)
    await asyncio.sleep(0)


async def test_writes_of_one_turn_leave_as_one(pair: Pair) -> None:
    transport, writes, reader = pair
    transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n")
    transport.write(bytearray(b"hel"))
    transport.write(b"")
    transport.write(memoryview(b"lo"))
    assert writes.calls == []  # held until the end of this turn
    await _turn()
    assert writes.calls == [b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"]
    assert await reader.readexactly(43) == b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"


async def test_writes_of_different_turns_keep_their_order(pair: Pair) -> None:
    transport, writes, reader = pair
    transport.write(b"one ")
    await _turn()
    transport.write(b"two ")
    transport.write(b"three")
    await _turn()
    assert writes.calls == [b"one ", b"two three"]
    assert await reader.readexactly(13) == b"one two three"


async def test_large_writes_are_not_joined_but_all_arrive(pair: Pair) -> None:
    transport, writes, reader = pair
    chunks = [bytes([i]) * 200_000 for i in range(3)]
    for chunk in chunks:
        transport.write(chunk)
    assert transport.get_write_buffer_size() >= 600_000  # held bytes count for flow control
    await _turn()
    assert writes.calls == []  # handed over with writelines, as they are
    assert await reader.readexactly(600_000) == b"".join(chunks)


async def test_close_sends_what_is_held_first(pair: Pair) -> None:
    transport, _, reader = pair
    transport.write(b"last words")
    transport.close()
    assert transport.is_closing()
    assert await reader.read() == b"last words"  # then EOF


async def test_abort_drops_what_is_held(pair: Pair) -> None:
    transport, writes, reader = pair
    transport.write(b"never sent")
    transport.abort()
    await _turn()
    assert writes.calls == []
    try:
        assert await reader.read() == b""
    except ConnectionResetError:
        pass  # an abort may reset the connection: either way, nothing arrived


async def _exchange(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 10)  # until the server closes
    finally:
        writer.close()


async def test_the_gateway_answers_keep_alive_head_and_close_over_one_connection(gateway_url: str) -> None:
    """Pipelined on one connection: GET, HEAD, a streamed 3 MB answer, then Connection: close."""
    request = (
        b"GET /v1/services/7 HTTP/1.1\r\nHost: gw\r\n\r\n"
        b"HEAD /v1/services/7 HTTP/1.1\r\nHost: gw\r\n\r\n"
        b"GET /v1/documents/e/big HTTP/1.1\r\nHost: gw\r\n\r\n"
        b"GET /v1/services/8 HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"
    )
    raw = await _exchange(gateway_url, request)
    answers = _split(raw)
    assert [status for status, _, _ in answers] == [200, 405, 200, 200]  # the upstream has no HEAD route
    first, head, big, last = answers
    assert first[2] == b'{"id":7,"label":"passport"}'
    assert int(head[1][b"content-length"]) > 0  # HEAD: the headers only, never a body
    assert head[2] == b""
    assert len(big[2]) == BIG_BYTES
    assert big[2][:3] == bytes([0, 1, 2])
    assert last[2] == b'{"id":8,"label":"passport"}'
    assert last[1][b"connection"] == b"close"
    for _, headers, _ in answers:  # the edge's headers on each: one pass, nothing lost
        assert headers[b"x-content-type-options"] == b"nosniff"
        assert len(headers[b"x-request-id"]) == 32


def _split(raw: bytes) -> list[tuple[int, dict[bytes, bytes], bytes]]:
    """HTTP/1.1 answers to GET, HEAD, GET (chunked), GET, in order."""
    answers: list[tuple[int, dict[bytes, bytes], bytes]] = []
    heads = [False, True, False, False]
    for is_head in heads:
        end = raw.index(b"\r\n\r\n")
        lines = raw[:end].split(b"\r\n")
        raw = raw[end + 4 :]
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(b":", 1) for line in lines[1:])}
        if is_head:
            body = b""
        elif headers.get(b"transfer-encoding") == b"chunked":
            parts = []
            while True:
                size_end = raw.index(b"\r\n")
                size = int(raw[:size_end], 16)
                parts.append(raw[size_end + 2 : size_end + 2 + size])
                raw = raw[size_end + 2 + size + 2 :]
                if size == 0:
                    break
            body = b"".join(parts)
        else:
            length = int(headers[b"content-length"])
            body, raw = raw[:length], raw[length:]
        answers.append((status, headers, body))
    assert raw == b""
    return answers
