"""uvicorn's httptools protocol with one `send()` per response instead of two.

uvicorn writes a response's status line and headers, then its body, as two writes; on an
idle keep-alive socket each is its own `send()` system call and its own TCP segment (with
`TCP_NODELAY`), and on this platform's small JSON answers those two system calls were the
largest single cost of a proxied request (py-spy: ~30% of the gateway's CPU, most of it the
kernel delivering the first segment). Here the writes made during one turn of the event loop
are held and leave together at the end of that turn (`call_soon`): headers and a body sent
back to back become one segment. Nothing is reordered or delayed past the current turn;
`close()`/`write_eof()` send what is held first, `abort()` drops it, as a socket would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_JOIN_BYTES = 256 * 1024  # above this, hand the pieces over as they are (no copy)


class CoalescingTransport(asyncio.Transport):
    """A transport whose writes during one event-loop turn go out as one; everything else is
    the real transport's (each method of `asyncio.Transport` is passed on explicitly: the base
    class's own would only raise NotImplementedError)."""

    __slots__ = ("_held", "_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._pending = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        self._held.append(bytes(data) if not isinstance(data, bytes) else data)
        if not self._pending:
            self._pending = True
            self._loop.call_soon(self._flush)

    def writelines(self, chunks: Iterable[bytes | bytearray | memoryview]) -> None:
        for chunk in chunks:
            self.write(chunk)

    def _flush(self) -> None:
        self._pending = False
        held = self._held
        if not held:
            return
        self._held = []
        if self._transport.is_closing():
            return  # the peer is gone (or abort()): as the socket would, drop it
        if len(held) == 1:
            self._transport.write(held[0])
        elif sum(map(len, held)) <= _JOIN_BYTES:
            self._transport.write(b"".join(held))
        else:
            self._transport.writelines(held)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._held = []
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._held))

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def __getattr__(self, name: str) -> Any:  # anything beyond asyncio's (uvloop's own): the real transport's
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a `CoalescingTransport`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream server's transport: asyncio's is a Transport; uvloop's has the same methods
        # without deriving from it.
        super().connection_made(CoalescingTransport(cast(asyncio.Transport, transport), self.loop))
