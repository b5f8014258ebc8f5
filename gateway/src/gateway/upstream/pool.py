"""The raw upstream client: per upstream a pool of keep-alive HTTP/1.1 connections
(gateway.upstream.connection), at most `limit` of them, the most recently used reused first
(so the spare ones idle out), each closed after `idle_seconds` unused: well before the services'
own keep-alive (kit.serve: 75 s) closes it under a request."""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from urllib.parse import urlsplit

from gateway.upstream.base import Body, UpstreamError, UpstreamTimeout, UpstreamUnreachable
from gateway.upstream.connection import Connection
from gateway.waiters import forsake, hand_over

BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT"})
"""Methods sent without `Content-Length: 0` when they carry no body (as aiohttp does)."""


class Pool:
    """The connections to one upstream."""

    def __init__(
        self,
        url: str,
        *,
        limit: int,
        connect_timeout: float,
        read_timeout: float,
        idle_seconds: float,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.authority = parts.netloc.rpartition("@")[2]  # the Host header
        self.prefix = parts.path.rstrip("/")
        self.ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self.limit = limit
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.idle_seconds = idle_seconds
        self.loop = loop
        self.idle: list[Connection] = []  # the newest last
        self.count = 0  # connections open or opening, idle or not
        self._waiters: deque[asyncio.Future[Connection | None]] = deque()  # None: a slot to connect in
        self.closing = False

    def head(self, method: str, target: str, headers: list[tuple[str, str]], body: Body) -> tuple[bytes, bool]:
        """The request line and headers as bytes, and whether the body goes chunked. ASGI names
        headers in lower case; the client's Content-Length stands only for a streamed body."""
        lines = [f"{method} {self.prefix}{target} HTTP/1.1\r\nHost: {self.authority}\r\n"]
        length = None
        for name, value in headers:
            if name == "content-length":
                length = value
            else:
                lines.append(f"{name}: {value}\r\n")
        chunked = False
        if isinstance(body, bytes):
            lines.append(f"Content-Length: {len(body)}\r\n")
        elif length is not None:
            lines.append(f"Content-Length: {length}\r\n")
        elif body is not None:
            lines.append("Transfer-Encoding: chunked\r\n")
            chunked = True
        elif method not in BODILESS_METHODS:
            lines.append("Content-Length: 0\r\n")
        lines.append("\r\n")
        text = "".join(lines)
        if text.count("\n") != len(lines) + 1 or text.count("\r") != len(lines) + 1:
            raise UpstreamError("a line break inside a header")  # ASGI servers let none through
        return text.encode("latin-1"), chunked

    async def acquire(self, *, fresh: bool = False) -> Connection:
        """A live idle connection (unless `fresh`), else a new one if under the limit, else the
        next one given back (waiting at most `connect_timeout`)."""
        idle = self.idle
        if idle and not fresh:
            now = self.loop.time()
            while idle:
                conn = idle.pop()
                if conn.usable(now):
                    return conn
                conn.close()
        if fresh and idle and self.count >= self.limit:
            idle[0].close()  # the oldest makes room
        if self.count < self.limit and not self._waiters:
            self.count += 1
            return await self._connect()
        waiter: asyncio.Future[Connection | None] = self.loop.create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(self.connect_timeout):
                given = await waiter
        except BaseException as exc:
            self._withdraw(waiter)
            if isinstance(exc, TimeoutError):
                raise UpstreamTimeout("no free connection in time") from None
            raise
        if given is None:
            return await self._connect()  # a slot was handed over
        if given.closed:  # closed since it was handed over (its slot is already free): again
            return await self.acquire(fresh=fresh)
        return given

    async def _connect(self) -> Connection:
        """A new connection in a slot already counted (given back if connecting fails)."""
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, conn = await self.loop.create_connection(
                    lambda: Connection(self), self.host, self.port, ssl=self.ssl
                )
        except BaseException as exc:
            self._free_slot()
            if isinstance(exc, TimeoutError):
                raise UpstreamTimeout("connect") from None
            if isinstance(exc, OSError):
                raise UpstreamUnreachable(f"connect: {type(exc).__name__}") from exc
            raise
        conn.registered = True
        if conn.closed:  # lost between connecting and now
            self._free_slot()
            raise UpstreamUnreachable("connection lost")
        return conn

    def release(self, conn: Connection) -> None:
        """A connection free for the next request: to the longest waiter, else idle."""
        if self.closing:
            conn.close()
            return
        if not hand_over(self._waiters, conn):
            self.idle.append(conn)

    def forget(self, conn: Connection) -> None:
        """A connection closed: its slot is free."""
        try:
            self.idle.remove(conn)
        except ValueError:
            pass
        self._free_slot()

    def _free_slot(self) -> None:
        if not hand_over(self._waiters, None):  # handed over, the slot passes on: count stays
            self.count -= 1

    def _withdraw(self, waiter: asyncio.Future[Connection | None]) -> None:
        if waiter.done() and not waiter.cancelled():
            given = waiter.result()  # handed over at the last moment: pass it on
            if given is None:
                self._free_slot()
            else:
                self.release(given)
            return
        forsake(self._waiters, waiter)

    def sweep(self) -> None:
        """Close the connections idle for `idle_seconds` (the oldest are first in line)."""
        now = self.loop.time()
        while self.idle and now - self.idle[0].idle_since >= self.idle_seconds:
            self.idle[0].close()

    def close(self) -> None:
        """Close the idle connections now, the busy ones as their answers end."""
        self.closing = True
        while self.idle:
            self.idle[-1].close()
