"""What a running gateway holds: settings, route and policy tables, one pooled HTTP client,
a circuit breaker per upstream, the rate limiter, the token verifier and the database."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import aiohttp
import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.breaker import Breaker
from gateway.idempotency.service import purge
from gateway.limits import Limiter, MemoryLimiter
from gateway.policy import BUILT_IN, PolicyTable
from gateway.routing import RouteTable
from gateway.settings import Settings
from kit import db
from kit.auth import JWKSCache, TokenVerifier

HEALTH_TIMEOUT_SECONDS = 1.0
PURGE_INTERVAL_SECONDS = 600.0
log = logging.getLogger("gateway.state")


@dataclass
class Gateway:
    settings: Settings
    routes: RouteTable
    upstreams: dict[str, str]
    policies: PolicyTable
    breakers: dict[str, Breaker]
    limiter: Limiter
    verifier: TokenVerifier | None = None
    engine: AsyncEngine | None = None
    sessions: async_sessionmaker[AsyncSession] | None = None
    _session: aiohttp.ClientSession | None = field(default=None, repr=False)
    _http: httpx.AsyncClient | None = field(default=None, repr=False)
    _purger: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings) -> Gateway:
        upstreams = {name: url.rstrip("/") for name, url in settings.upstreams.items()}
        breakers = {
            name: Breaker(failures_to_open=settings.breaker_failures, open_seconds=settings.breaker_open_seconds)
            for name in upstreams
        }
        return cls(
            settings=settings,
            routes=RouteTable(settings.routes),
            upstreams=upstreams,
            policies=PolicyTable(BUILT_IN if settings.policies is None else settings.policies),
            breakers=breakers,
            limiter=MemoryLimiter(max_keys=settings.rate_limit_max_keys),
        )

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
        settings = self.settings
        if settings.jwks_url:
            self._http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))
            jwks = JWKSCache(settings.jwks_url, self._http)
            self.verifier = TokenVerifier(jwks, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
        # The engine connects lazily: requests without Idempotency-Key never touch the database.
        self.engine = db.create_engine(
            settings.database_url, pool_size=settings.db_pool_size, application_name=settings.service_name
        )
        self.sessions = db.sessionmaker(self.engine)
        self._purger = asyncio.create_task(self._purge_expired_keys(), name="idempotency-purge")

    async def _purge_expired_keys(self) -> None:
        """Forget expired Idempotency-Keys now and then (any replica may; rows are skip-locked)."""
        while True:
            await asyncio.sleep(PURGE_INTERVAL_SECONDS)
            try:
                assert self.sessions is not None
                while await purge(self.sessions):
                    pass
            except Exception as exc:  # noqa: BLE001 - the store may be down; try again later
                log.warning("purging expired idempotency keys failed: %s", type(exc).__name__)

    async def close(self) -> None:
        if self._purger is not None:
            self._purger.cancel()
            self._purger = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None

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
