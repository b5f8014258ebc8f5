"""What a running gateway holds: settings, route and policy tables, one pooled upstream client, a
circuit breaker and a bulkhead (load shedding) per upstream, the rate limiter, the token verifier,
the clock and the database; and, for integrators, kit's Runtime (NATS, the consumers feeding
webhooks) and the delivery worker. None of the integrator machinery is on the proxy's path.

The gateway is not built from a kit Manifest (its proxy is raw ASGI, for speed), but its own
routes and event handlers get kit's `Context` with this object as its resources
(`gateway.deps.Ctx`), and every time it reads comes from `clock`."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from contracts.signing import PublicKey
from gateway.breaker import Breaker
from gateway.event_keys import service as event_keys
from gateway.idempotency.service import purge, seal_clear_answers
from gateway.integrators.keys import EdgeVerifier, IntegratorKeys
from gateway.limits import Limiter, MemoryLimiter
from gateway.models import Base
from gateway.policy import BUILT_IN, PolicyTable
from gateway.routing import RouteTable
from gateway.settings import Settings
from gateway.shedding import Bulkhead
from gateway.upstream import Client, open_client
from gateway.webhooks.handlers import handlers as webhook_handlers
from gateway.webhooks.service import Policy
from gateway.webhooks.targets import TargetPolicy
from gateway.webhooks.worker import Worker
from kit.addresses import Forwarding
from kit.app import dependency_checks
from kit.auth import Issuer, JWKSCache, TokenVerifier
from kit.clock import SYSTEM, Clock
from kit.runtime import Runtime
from kit.sealing import Sealer
from kit.service import Context

PURGE_INTERVAL_SECONDS = 600.0
log = logging.getLogger("gateway.state")


@dataclass
class Gateway:
    settings: Settings
    routes: RouteTable
    upstreams: dict[str, str]
    policies: PolicyTable
    breakers: dict[str, Breaker]
    bulkheads: dict[str, Bulkhead]
    limiter: Limiter
    sealer: Sealer
    clock: Clock
    """The one clock the gateway reads the time from (tests pass a ManualClock or OffsetClock)."""
    verifier: EdgeVerifier | None = None
    engine: AsyncEngine | None = None
    sessions: async_sessionmaker[AsyncSession] | None = None
    runtime: Runtime[Settings] | None = None
    webhook_worker: Worker | None = None
    webhook_targets: TargetPolicy = field(default_factory=TargetPolicy)
    forwarding: Forwarding = field(default_factory=Forwarding)
    """Whose X-Forwarded-For is believed: the client's address every limit is keyed on."""
    _upstream: Client | None = field(default=None, repr=False)
    _integrator_keys: IntegratorKeys | None = field(default=None, repr=False)
    _http: httpx.AsyncClient | None = field(default=None, repr=False)
    _purger: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock = SYSTEM) -> Gateway:
        upstreams = {name: url.rstrip("/") for name, url in settings.upstreams.items()}
        breakers = {
            name: Breaker(failures_to_open=settings.breaker_failures, open_seconds=settings.breaker_open_seconds)
            for name in upstreams
        }
        bulkheads = {
            name: Bulkhead(
                name,
                limit=settings.shed_max_in_flight_by_upstream.get(name, settings.shed_max_in_flight),
                max_wait=settings.shed_max_wait_seconds,
                max_queue=settings.shed_max_queue,
            )
            for name in upstreams
        }
        return cls(
            settings=settings,
            forwarding=Forwarding(settings.trusted_proxy_hops, settings.trusted_proxies),
            webhook_targets=TargetPolicy.of(settings.webhook_allowed_networks, settings.webhook_blocked_networks),
            routes=RouteTable(settings.routes),
            upstreams=upstreams,
            policies=PolicyTable(BUILT_IN if settings.policies is None else settings.policies),
            breakers=breakers,
            bulkheads=bulkheads,
            limiter=MemoryLimiter(max_keys=settings.rate_limit_max_keys),
            sealer=Sealer(settings.secrets_key.get_secret_value()),
            clock=clock,
        )

    def context(self) -> Context[Settings, Gateway]:
        """kit's context of the gateway: its settings, itself as the resources, its clock."""
        return Context(settings=self.settings, resources=self, clock=self.clock)

    @property
    def upstream(self) -> Client:
        if self._upstream is None:
            raise RuntimeError("the gateway's lifespan has not started")
        return self._upstream

    @property
    def integrator_keys(self) -> IntegratorKeys:
        """The keys of the integrator tokens the gateway signs (its database's)."""
        if self._integrator_keys is None:
            raise RuntimeError("the gateway's lifespan has not started")
        return self._integrator_keys

    async def _event_keys(self) -> list[PublicKey]:
        """The integrators' event keys as the gateway publishes them, from its own database."""
        assert self.runtime is not None
        async with self.runtime.sessions() as session:
            jwks = await event_keys.published(session)
        return [PublicKey.from_jwk(jwk) for jwk in jwks["keys"]]

    async def open(self) -> None:
        settings = self.settings
        self._upstream = open_client(
            settings.upstream_client,
            self.upstreams,
            connections=settings.upstream_connections_per_host,
            timeout=settings.upstream_timeout_seconds,
            idle_seconds=settings.upstream_idle_seconds,
        )
        identity = None
        if settings.jwks_url:
            self._http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))
            jwks = JWKSCache(settings.jwks_url, self._http)
            identity = TokenVerifier(
                jwks, issuer=settings.jwt_issuer, audience=settings.jwt_audience, issued_by=Issuer.IDENTITY
            )
        # The engine connects lazily: requests without Idempotency-Key never touch the database.
        runtime = self.runtime = Runtime.build(settings, Base.metadata, clock=self.clock)
        runtime.context = self.context()  # what its event handlers get
        self.engine, self.sessions = runtime.engine, runtime.sessions
        keys = self._integrator_keys = IntegratorKeys(runtime.sessions, self.sealer, self.clock)
        runtime.trust.local = self._event_keys  # its own consumers trust the integrators' keys it holds
        integrators = TokenVerifier(
            keys,
            issuer=settings.integrator_issuer,
            audience=settings.jwt_audience,
            issued_by=Issuer.GATEWAY,
        )
        self.verifier = EdgeVerifier(identity, integrators)
        self._purger = asyncio.create_task(self._purge_expired_keys(), name="idempotency-purge")
        if settings.events:
            worker = self.webhook_worker = Worker(
                sessions=runtime.sessions,
                sealer=self.sealer,
                policy=Policy(
                    retry_base_seconds=settings.webhook_retry_base_seconds,
                    retry_max_seconds=settings.webhook_retry_max_seconds,
                    retry_for_seconds=settings.webhook_retry_for_seconds,
                    disable_after_seconds=settings.webhook_disable_after_seconds,
                    disable_min_failures=settings.webhook_disable_min_failures,
                ),
                timeout_seconds=settings.webhook_timeout_seconds,
                poll_seconds=settings.webhook_poll_seconds,
                concurrency=settings.webhook_concurrency,
                targets=self.webhook_targets,
                clock=self.clock,
            )
            await runtime.start(webhook_handlers)
            runtime.spawn(worker.run(runtime.stop), "webhook-deliveries")

    async def _purge_expired_keys(self) -> None:
        """Now and then (any replica may; rows are skip-locked): seal answers an older gateway
        stored in clear, and forget expired Idempotency-Keys. Not at start-up: a gateway that
        serves no Idempotency-Key touches no database."""
        while True:
            await asyncio.sleep(PURGE_INTERVAL_SECONDS)
            try:
                assert self.sessions is not None
                while await seal_clear_answers(self.sessions, self.sealer):
                    pass
                while await purge(self.sessions, now=self.clock.now()):
                    pass
            except Exception as exc:  # noqa: BLE001 - the store may be down; try again later
                log.warning("sealing or purging idempotency keys failed: %s", type(exc).__name__)

    async def close(self) -> None:
        if self._purger is not None:
            self._purger.cancel()
            self._purger = None
        if self._upstream is not None:
            await self._upstream.close()
            self._upstream = None
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        if self.runtime is not None:
            await self.runtime.close()  # stops the worker and consumers, drains NATS, disposes the engine
            self.runtime = self.engine = None

    async def failing_dependencies(self) -> list[str]:
        """The gateway's own dependencies that fail: its database, and NATS when it consumes
        events. Upstream services are not among them: while one is down, its circuit breaker
        answers for it (a fast 503) and every other route is served."""
        assert self.runtime is not None
        checks = await dependency_checks(self.runtime, nats=self.settings.events)
        return [name for name, ok in checks.items() if not ok]

    def circuits(self) -> dict[str, str]:
        """Each upstream's circuit: closed, open or half_open (information, not readiness)."""
        return {name: breaker.state for name, breaker in self.breakers.items()}
