"""The upstream client on aiohttp: one ClientSession, a TCPConnector pool per host, and its
failures told as the gateway's (gateway.upstream.base)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from yarl import URL

from gateway.upstream.base import Body, RawHeaders, UpstreamError, UpstreamTimeout, UpstreamUnreachable

CHUNK_BYTES = 64 * 1024


def _failure(exc: BaseException) -> UpstreamError:
    if isinstance(exc, TimeoutError):
        return UpstreamTimeout(type(exc).__name__)
    if isinstance(exc, aiohttp.ClientConnectionError):
        return UpstreamUnreachable(type(exc).__name__)
    return UpstreamError(type(exc).__name__)


class AiohttpAnswer:
    __slots__ = ("_response",)

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status

    @property
    def raw_headers(self) -> RawHeaders:
        return self._response.raw_headers

    @property
    def content_length(self) -> int | None:
        return self._response.content_length

    async def read(self) -> bytes:
        try:
            return await self._response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _failure(exc) from exc

    async def read_within(self, limit: int) -> bytes:
        parts: list[bytes] = []
        size = 0
        async for chunk in self.chunks():
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                break
        return b"".join(parts)

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(CHUNK_BYTES):
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _failure(exc) from exc

    def release(self) -> None:
        self._response.release()


class AiohttpClient:
    def __init__(self, upstreams: dict[str, str], *, connections: int, timeout: float, idle_seconds: float) -> None:
        self.upstreams = upstreams
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=connections, keepalive_timeout=idle_seconds)
        self.session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout),
            auto_decompress=False,  # pass bodies through as encoded
            cookie_jar=aiohttp.DummyCookieJar(),  # one client for all citizens: never keep cookies
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )

    async def request(
        self, service: str, method: str, target: str, headers: list[tuple[str, str]], body: Body
    ) -> AiohttpAnswer:
        url = URL(self.upstreams[service] + target, encoded=True)
        try:
            response = await self.session.request(method, url, headers=headers, data=body, allow_redirects=False)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _failure(exc) from exc
        return AiohttpAnswer(response)

    async def close(self) -> None:
        await self.session.close()
