"""One keep-alive HTTP/1.1 connection to an upstream, as an asyncio Protocol: the request goes
out as bytes (a small one in a single write), the answer is parsed by httptools (llhttp, the
parser uvicorn serves with) and its body streams to the reader, reading paused while more than
HIGH_WATER bytes wait for it.

One exchange at a time. The connection goes back to its pool the moment its answer is complete,
if the request was sent whole and both sides keep it alive (not `Connection: close`, not an
HTTP/1.0 answer without keep-alive, not a body that ends with the connection, not HEAD: the
parser cannot be told that an answer to HEAD has no body). Otherwise it is closed.

Timeouts: while the gateway waits on the upstream (for the answer's head, the body's next bytes,
or room to write the request body), at most `read_timeout` seconds may pass without a byte
from it; a single timer per exchange checks, re-armed from the last progress.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, cast

import httptools

from gateway.upstream.answer import RawAnswer
from gateway.upstream.base import UpstreamError, UpstreamTimeout, UpstreamUnreachable

if TYPE_CHECKING:
    from gateway.upstream.pool import Pool

HIGH_WATER = 256 * 1024
"""Answer bytes buffered for a slow reader (the citizen's connection) before reading pauses."""
_NO_BODY_STATUSES = frozenset({204, 304})


class Connection(asyncio.Protocol):
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.loop = pool.loop
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.answer: RawAnswer | None = None
        self.registered = False  # counted in its pool (set once connected)
        self.closed = False
        self.paused = False  # reading, for a slow reader of the answer
        self.idle_since = 0.0
        self.progress = 0.0  # when the upstream last did something, or the gateway began to wait
        self._timer: asyncio.TimerHandle | None = None
        self._head: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None
        self._write_paused = False
        self._sent = False  # the whole request went out
        self._head_only = False
        self._reusable = False
        self._chunked = False
        self._interim = False  # a 1xx answer (103 Early Hints): the real one follows

    # -- the pool's side

    def usable(self, now: float) -> bool:
        transport = self.transport
        return (
            not self.closed
            and transport is not None
            and not transport.is_closing()
            and now - self.idle_since < self.pool.idle_seconds
        )

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self._drop()

    def resume(self) -> None:
        self.paused = False
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()

    async def exchange(self, head: bytes, body: bytes | AsyncIterator[bytes] | None, *, chunked: bool) -> RawAnswer:
        """Send the request; the answer once its head is in. Raises UpstreamUnreachable if the
        connection drops before any of the answer (the request may not have been received)."""
        transport = self.transport
        assert transport is not None
        assert self.answer is None
        if self.closed or transport.is_closing():  # nothing sent: the pool hands out live ones only
            raise UpstreamUnreachable("connection closed")
        loop = self.loop
        answer = self.answer = RawAnswer(self)
        self._head = head_in = loop.create_future()
        self._head_only = head.startswith(b"HEAD ")
        self._sent = self._reusable = self._chunked = self._interim = False
        self.progress = loop.time()
        self._timer = loop.call_at(self.progress + self.pool.read_timeout, self._check)
        try:
            if body is None:
                transport.write(head)
                self._sent = True
            elif isinstance(body, bytes):
                transport.write(head + body)
                self._sent = True
            else:
                transport.write(head)
                # False: answered or broken before the body was sent whole (the connection is not kept)
                self._sent = await self._stream(answer, body, chunked=chunked)
            if not head_in.done():
                answer._waiter = head_in  # the timer's "waiting on the upstream"
                self.progress = loop.time()
                try:
                    await head_in
                finally:
                    answer._waiter = None
        except BaseException:  # the client's body failed, or cancelled: the request is half sent
            if self.answer is answer:
                self._broke(UpstreamUnreachable("request not sent whole"))
            raise
        if answer.status == 0:  # broke before the head was in
            assert answer._error is not None
            raise answer._error
        return answer

    async def _stream(self, answer: RawAnswer, body: AsyncIterator[bytes], *, chunked: bool) -> bool:
        """Send the client's body as it arrives; False if it stopped early."""
        transport = self.transport
        assert transport is not None
        assert self._head is not None
        async for chunk in body:
            if self.answer is not answer or self._head.done():
                return False  # broke, or answered already: the rest is not needed
            if chunk:
                transport.write(b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunked else chunk)
            if self._write_paused:
                waiter = self._writable = answer._waiter = self.loop.create_future()
                self.progress = self.loop.time()
                try:
                    await waiter
                finally:
                    self._writable = answer._waiter = None
        if self.answer is not answer:
            return False
        if chunked:
            transport.write(b"0\r\n\r\n")
        return True

    # -- asyncio's side

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # asyncio's is a Transport; uvloop's has the same methods without deriving from it
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.answer is None:  # bytes nobody asked for: not a connection to keep
            self.close()
            return
        self.progress = self.loop.time()
        try:
            self.parser.feed_data(data)
        except (httptools.HttpParserError, httptools.HttpParserUpgrade) as exc:
            if self.answer is not None:
                self._broke(UpstreamError(f"malformed answer: {type(exc).__name__}"))
            else:
                self.close()

    def eof_received(self) -> bool:
        return False  # close the transport: connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        answer = self.answer
        if answer is not None:
            if answer.status and self._until_close():
                self._complete(reuse=False)
            else:
                self._broke(UpstreamUnreachable("connection lost") if not answer.status else UpstreamError("broke off"))
        self._drop()

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self.progress = self.loop.time()
        self._wake_writer()

    # -- httptools' side

    def on_message_begin(self) -> None:
        if self.answer is None:  # a second answer to one request: not a connection to keep
            self.close()

    def on_header(self, name: bytes, value: bytes) -> None:
        answer = self.answer
        if answer is None:
            return
        answer.raw_headers.append((name, value))
        if len(name) == 14 and name.lower() == b"content-length":
            answer.content_length = int(value)  # llhttp has checked it: digits only, one value
        elif len(name) == 17 and name.lower() == b"transfer-encoding":
            self._chunked = value.rstrip().lower().endswith(b"chunked")

    def on_headers_complete(self) -> None:
        answer = self.answer
        if answer is None or self._head is None:
            return
        status = self.parser.get_status_code()
        if 100 <= status < 200:
            if status == 101:  # the gateway asks for no upgrade
                self._broke(UpstreamError("switched protocols unasked"))
                return
            self._interim = True
            answer.raw_headers.clear()
            answer.content_length = None
            return
        answer.status = status
        self._reusable = self.parser.should_keep_alive() and not self._until_close()
        if not self._head.done():
            self._head.set_result(None)
        self._wake_writer()  # a request body still streaming stops: the answer is in
        if self._head_only:  # llhttp would wait for the body Content-Length announces
            self._complete(reuse=False)

    def on_body(self, body: bytes) -> None:
        answer = self.answer
        if answer is None:
            return
        answer._feed(body)
        if answer._size > HIGH_WATER and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()

    def on_message_complete(self) -> None:
        if self._interim:
            self._interim = False
            return
        if self.answer is not None:
            self._complete(reuse=self._reusable and self._sent)

    # -- the exchange's end

    def _until_close(self) -> bool:
        """The answer's body ends when the connection does (no length, not chunked)."""
        answer = self.answer
        assert answer is not None
        return (
            answer.content_length is None
            and not self._chunked
            and not self._head_only
            and answer.status not in _NO_BODY_STATUSES
        )

    def _complete(self, *, reuse: bool) -> None:
        answer = self.answer
        assert answer is not None
        self.answer = None
        self._stop_timer()
        answer._end()
        if self.paused:
            self.resume()
        if reuse and not self.closed:
            self.idle_since = self.loop.time()
            self.pool.release(self)
        else:
            self.close()

    def _broke(self, error: UpstreamError) -> None:
        answer = self.answer
        assert answer is not None
        self.answer = None
        self._stop_timer()
        answer._end(error)
        if self._head is not None and not self._head.done():
            self._head.set_result(None)
        self._wake_writer()
        if self.transport is not None:
            self.transport.abort()
        self._drop()

    def _check(self) -> None:
        self._timer = None
        answer = self.answer
        if answer is None:
            return
        now, timeout = self.loop.time(), self.pool.read_timeout
        if answer.waiting and not self.paused:
            if now - self.progress >= timeout:
                self._broke(UpstreamTimeout("no answer in time"))
                return
            due = self.progress + timeout
        else:
            due = now + timeout
        self._timer = self.loop.call_at(due, self._check)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _wake_writer(self) -> None:
        waiter = self._writable
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _drop(self) -> None:
        if not self.closed:
            self.closed = True
            if self.registered:
                self.pool.forget(self)
