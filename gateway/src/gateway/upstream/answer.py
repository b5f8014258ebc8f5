"""An answer on a raw upstream connection (gateway.upstream.base.Answer): status and headers,
then the body as the connection feeds it (gateway.upstream.connection), buffered for the reader;
the connection's reading resumes once the reader has taken what waited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from gateway.upstream.base import UpstreamError

if TYPE_CHECKING:
    from gateway.upstream.connection import Connection


class RawAnswer:
    """An answer on a raw connection (gateway.upstream.base.Answer)."""

    __slots__ = ("_conn", "_done", "_error", "_parts", "_size", "_waiter", "content_length", "raw_headers", "status")

    def __init__(self, conn: Connection) -> None:
        self.status = 0
        self.raw_headers: list[tuple[bytes, bytes]] = []
        self.content_length: int | None = None
        self._conn: Connection | None = conn  # while the body is still arriving
        self._parts: list[bytes] = []
        self._size = 0
        self._done = False
        self._error: UpstreamError | None = None
        self._waiter: asyncio.Future[None] | None = None

    def _feed(self, data: bytes) -> None:
        self._parts.append(data)
        self._size += len(data)
        self._wake()

    def _end(self, error: UpstreamError | None = None) -> None:
        self._done = True
        self._error = error
        self._conn = None
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def waiting(self) -> bool:
        return self._waiter is not None

    async def _next(self) -> bytes | None:
        """What arrived since the last call (waiting for some); None at the end of the body."""
        while not self._parts:
            if self._error is not None:
                raise self._error
            if self._done:
                return None
            conn = self._conn
            assert conn is not None
            waiter = self._waiter = conn.loop.create_future()
            conn.progress = conn.loop.time()
            try:
                await waiter
            finally:
                self._waiter = None
        parts = self._parts
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        self._parts = []
        self._size = 0
        if (conn := self._conn) is not None and conn.paused:
            conn.resume()
        return data

    async def read(self) -> bytes:
        parts = []
        while (data := await self._next()) is not None:
            parts.append(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    async def read_within(self, limit: int) -> bytes:
        parts, size = [], 0
        while size <= limit and (data := await self._next()) is not None:
            parts.append(data)
            size += len(data)
        return b"".join(parts)

    async def chunks(self) -> AsyncIterator[bytes]:
        while (data := await self._next()) is not None:
            yield data

    def release(self) -> None:
        conn = self._conn
        if conn is not None and conn.answer is self:  # the body was not read to its end
            conn.close()
        self._parts = []
