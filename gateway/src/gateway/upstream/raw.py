"""The gateway's own upstream client: pooled raw HTTP/1.1 connections (gateway.upstream.pool),
answers parsed by httptools. With tracing on, each request is a CLIENT span whose context the
upstream continues (as the aiohttp instrumentation makes for the aiohttp client)."""

from __future__ import annotations

import asyncio
import contextlib

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from gateway.upstream.answer import RawAnswer
from gateway.upstream.base import IDEMPOTENT_METHODS, Body, UpstreamUnreachable
from gateway.upstream.pool import Pool
from kit import telemetry
from kit.telemetry import inject_headers

_TRACE_HEADERS = frozenset({"traceparent", "tracestate"})


class RawClient:
    def __init__(self, upstreams: dict[str, str], *, connections: int, timeout: float, idle_seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self.pools = {
            name: Pool(
                url,
                limit=connections,
                connect_timeout=timeout,
                read_timeout=timeout,
                idle_seconds=idle_seconds,
                loop=loop,
            )
            for name, url in upstreams.items()
        }
        self._sweeper = asyncio.create_task(self._sweep(min(5.0, idle_seconds / 3)), name="upstream-idle-sweep")

    async def request(
        self, service: str, method: str, target: str, headers: list[tuple[str, str]], body: Body
    ) -> RawAnswer:
        if telemetry.enabled():
            return await self._traced(service, method, target, headers, body)
        return await self._request(self.pools[service], method, target, headers, body)

    async def _request(
        self, pool: Pool, method: str, target: str, headers: list[tuple[str, str]], body: Body
    ) -> RawAnswer:
        head, chunked = pool.head(method, target, headers, body)
        # Once more, on a new connection, if the connection dropped before any answer: only for an
        # idempotent method whose body is still at hand (a streamed one is half consumed).
        again = method in IDEMPOTENT_METHODS and (body is None or isinstance(body, bytes))
        fresh = False
        while True:
            conn = await pool.acquire(fresh=fresh)
            try:
                return await conn.exchange(head, body, chunked=chunked)
            except UpstreamUnreachable:
                if not again:
                    raise
                again, fresh = False, True

    async def _traced(
        self, service: str, method: str, target: str, headers: list[tuple[str, str]], body: Body
    ) -> RawAnswer:
        pool = self.pools[service]
        scheme = "https" if pool.ssl is not None else "http"
        attributes: dict[str, str | int] = {
            "http.request.method": method,
            "url.full": f"{scheme}://{pool.authority}{pool.prefix}{target}",
            "server.address": pool.host,
            "server.port": pool.port,
        }
        tracer = trace.get_tracer("gateway.upstream")
        with tracer.start_as_current_span(method, kind=SpanKind.CLIENT, attributes=attributes) as span:
            headers = [(n, v) for n, v in headers if n not in _TRACE_HEADERS]
            headers.extend(inject_headers().items())  # the client span's context, not the server span's
            answer = await self._request(pool, method, target, headers, body)
            span.set_attribute("http.response.status_code", answer.status)
            if answer.status >= 500:
                span.set_status(Status(StatusCode.ERROR))
            return answer

    async def _sweep(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            for pool in self.pools.values():
                pool.sweep()

    async def close(self) -> None:
        self._sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._sweeper
        for pool in self.pools.values():
            pool.close()
