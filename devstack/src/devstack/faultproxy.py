"""A small TCP fault proxy for tests: put it between a service and PostgreSQL or NATS, then add
latency, stall the link, or cut it.

    proxy = FaultProxy("127.0.0.1", pg_port)   # listens on proxy.port
    proxy.start()
    proxy.latency(0.5)   # every chunk, either way, waits half a second
    proxy.stall()        # connections stay open but nothing passes (new ones are accepted too)
    proxy.cut()          # every connection is reset, and new ones are reset at once
    proxy.heal()         # pass everything again
    proxy.stop()

It runs its own event loop in a thread of its own, so a test's event loop being busy (or
blocked) delays nothing, and it can be driven from synchronous and asynchronous code alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from dataclasses import dataclass
from typing import Literal, Self

from devstack._process import DevstackError

Mode = Literal["pass", "latency", "stall", "cut"]
CHUNK = 64 * 1024


@dataclass(eq=False)
class _Link:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.host = host
        self.port = port
        self.mode: Mode = "pass"
        self.delay = 0.0
        self.accepted = 0
        self._links: set[_Link] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._healed: asyncio.Event | None = None

    def __repr__(self) -> str:
        return f"FaultProxy({self.host}:{self.port} -> {self.upstream[0]}:{self.upstream[1]}, {self.mode})"

    # -- lifecycle (any thread) ----------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._listen())
            except BaseException as exc:  # noqa: BLE001 - reported to start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._close_all())
                loop.close()

        self._thread = threading.Thread(target=run, name=f"fault-proxy-{self.upstream[1]}", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            self._thread = None
            raise DevstackError(f"fault proxy could not listen: {failure[0]!r}")

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        self._loop = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- faults (any thread) -------------------------------------------------------------------

    def heal(self) -> None:
        """Pass everything again, at once (held data flows on)."""
        self._set("pass", 0.0)

    def latency(self, seconds: float) -> None:
        """Delay every chunk by `seconds`, in both directions."""
        self._set("latency", seconds)

    def stall(self) -> None:
        """Keep connections open (and accept new ones) but forward nothing: a hung peer."""
        self._set("stall", 0.0)

    def cut(self) -> None:
        """Reset every open connection, and reset new ones as they arrive: a broken link."""
        self._set("cut", 0.0)

    @property
    def connections(self) -> int:
        return len(self._links)

    def _set(self, mode: Mode, delay: float) -> None:
        if self._loop is None:
            raise DevstackError("the fault proxy is not running")
        done = threading.Event()

        def apply() -> None:
            self.mode, self.delay = mode, delay
            assert self._healed is not None
            if mode == "stall":
                self._healed.clear()
            else:
                self._healed.set()
            if mode == "cut":
                for link in list(self._links):
                    self._reset(link)
            done.set()

        self._loop.call_soon_threadsafe(apply)
        done.wait(5)

    # -- the proxy (its own loop) --------------------------------------------------------------

    async def _listen(self) -> None:
        self._healed = asyncio.Event()
        self._healed.set()
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close_all(self) -> None:
        if self._server is not None:
            self._server.close()
        for link in list(self._links):
            self._reset(link)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        link = _Link(writer)
        if self.mode == "cut":
            self._reset(link)
            return
        self._links.add(link)
        try:
            assert self._healed is not None
            await self._healed.wait()  # a stalled link accepts but does not even reach the upstream
            if self.mode == "cut":
                return
            try:
                up_reader, link.upstream = await asyncio.open_connection(*self.upstream)
            except OSError:
                return  # upstream down: the client sees its connection closed
            await asyncio.gather(self._pump(reader, link.upstream), self._pump(up_reader, writer))
        finally:
            self._links.discard(link)
            self._reset(link)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._healed is not None
        try:
            while data := await reader.read(CHUNK):
                await self._healed.wait()
                if self.mode == "latency" and self.delay > 0:
                    await asyncio.sleep(self.delay)
                if self.mode == "cut":
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(OSError, RuntimeError):
                writer.write_eof()

    @staticmethod
    def _reset(link: _Link) -> None:
        """Close both sides with a TCP RST (SO_LINGER 0), as a broken network looks to a peer."""
        for writer in (link.client, link.upstream):
            if writer is None or writer.is_closing():
                continue
            sock = writer.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
