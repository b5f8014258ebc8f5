"""What a running gateway holds: its settings, route table and one pooled HTTP client."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp

from gateway.routing import RouteTable
from gateway.settings import Settings

HEALTH_TIMEOUT_SECONDS = 1.0


@dataclass
class Gateway:
    settings: Settings
    routes: RouteTable
    upstreams: dict[str, str]
    _session: aiohttp.ClientSession | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings) -> Gateway:
        upstreams = {name: url.rstrip("/") for name, url in settings.upstreams.items()}
        return cls(settings=settings, routes=RouteTable(settings.routes), upstreams=upstreams)

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the gateway's lifespan has not started")
        return self._session

    async def open(self) -> None:
        timeout = self.settings.upstream_timeout_seconds
        connector = aiohttp.TCPConnector(
            limit=0, limit_per_host=self.settings.upstream_connections_per_host, keepalive_timeout=30
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout),
            auto_decompress=False,  # pass bodies through as encoded
            cookie_jar=aiohttp.DummyCookieJar(),  # one client for all citizens: never keep cookies
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def failing_upstreams(self) -> list[str]:
        """Routed services whose /healthz does not answer 200 within a second."""
        names = self.routes.services()
        results = await asyncio.gather(*(self._healthy(self.upstreams[name]) for name in names))
        return [name for name, ok in zip(names, results, strict=True) if not ok]

    async def _healthy(self, base_url: str) -> bool:
        try:
            timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
            async with self.session.get(f"{base_url}/healthz", timeout=timeout) as response:
                return response.status == 200
        except (TimeoutError, aiohttp.ClientError):
            return False
