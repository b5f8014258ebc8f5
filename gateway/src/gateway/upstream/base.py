"""What the proxy needs of an upstream client, whichever one it is: a request, an answer whose
body streams, and three kinds of failure (gateway.proxy maps them to 503, 504 and 502)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RawHeaders = Sequence[tuple[bytes, bytes]]
Body = bytes | AsyncIterator[bytes] | None
"""A request body: all of it, a stream (the client's, as it arrives), or none."""


class UpstreamError(Exception):
    """The upstream gave no usable answer: a malformed one, or one that broke off (502)."""


class UpstreamUnreachable(UpstreamError):
    """No connection could be made, or it broke before the answer began (503). The gateway may
    try an idempotent request again (`upstream_retries`)."""


class UpstreamTimeout(UpstreamError, TimeoutError):
    """Connecting, or waiting for the upstream's next bytes, took longer than allowed (504)."""


class Answer(Protocol):
    """An upstream's answer: status and headers are in; the body streams (`read`, `chunks`)."""

    @property
    def status(self) -> int: ...

    @property
    def raw_headers(self) -> RawHeaders: ...

    @property
    def content_length(self) -> int | None: ...

    async def read(self) -> bytes:
        """The whole body (raises UpstreamError if it breaks off)."""
        ...

    async def read_within(self, limit: int) -> bytes:
        """The whole body if it is at most `limit` bytes; else what was read of it, more than
        `limit` bytes (the rest is left to `chunks`)."""
        ...

    def chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives (raises UpstreamError if it breaks off)."""
        ...

    def release(self) -> None:
        """Done with the answer: its connection goes back to the pool, or is closed if the body
        was not read to its end."""
        ...


class Client(Protocol):
    """One pooled client for every upstream of the gateway."""

    async def request(
        self, service: str, method: str, target: str, headers: list[tuple[str, str]], body: Body
    ) -> Answer:
        """Send `method target` (the raw path and query) to `service`; the answer once its head
        is in. An idempotent request whose connection drops before any answer is sent again once
        on a new connection (RFC 9112 §9.3.1: meant for keep-alive connections the server closed
        meanwhile); any other request is never sent twice here."""
        ...

    async def close(self) -> None: ...
