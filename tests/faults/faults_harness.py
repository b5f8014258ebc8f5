"""The platform the fault suite breaks: `devstack.run.Platform`, started exactly as `make run`
starts it (free ports, its own data folder under .data/test/), supervised by its own `watch()`
loop in a thread of this process, so a test can kill a service, PostgreSQL or a NATS node and
watch the supervisor bring it back, hold a server down for a long outage, or route one
service's connections through a `FaultProxy`.

The services run with short redelivery budgets and timeouts (`SETTINGS`), so each fault takes
seconds rather than minutes; what the suite checks does not depend on them.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import nats
from prometheus_client.parser import text_string_to_metric_families

from devstack.faultproxy import FaultProxy
from devstack.nats import NatsProcess
from devstack.paths import data_root, repo_root
from devstack.run import Platform

UNLIMITED = json.dumps({"count": 10**9, "seconds": 1})
REDELIVERY = (1.0, 2.0, 5.0)
MAX_DELIVER = 4
REDELIVERY_BUDGET = sum(REDELIVERY)
"""Seconds from a message's first failed delivery to its last: a database outage longer than
this used to dead-letter what consumers were handed meanwhile."""

SETTINGS = {
    # One test client on 127.0.0.1 enrols and polls for ~150 citizens: no throttling of it.
    "RATE_ADDRESS": UNLIMITED,
    "RATE_ACCOUNT": UNLIMITED,
    "RATE_SENSITIVE_ADDRESS": UNLIMITED,
    "RATE_SENSITIVE_IDENTITY": UNLIMITED,
    "LIMIT_PER_CLIENT": "1000000",
    "LIMIT_PER_NATIONAL_ID": "1000",
    "LIMIT_PER_MOBILE": "1000",
    "OTP_RESEND_COOLDOWN_SECONDS": "0",
    "ACCESS_TOKEN_SECONDS": "3600",
    # Short budgets, so a fault takes seconds.
    "BUS_MAX_DELIVER": str(MAX_DELIVER),
    "BUS_BACKOFF_SECONDS": json.dumps(REDELIVERY),
    "BUS_ACK_WAIT_SECONDS": "5",
    "DB_POOL_TIMEOUT_SECONDS": "5",
    "DB_CONNECT_TIMEOUT_SECONDS": "3",
    "DB_COMMAND_TIMEOUT_SECONDS": "5",
    "UPSTREAM_TIMEOUT_SECONDS": "6",
    "BREAKER_OPEN_SECONDS": "1",
}
"""`<PREFIX><KEY>` for every service and the gateway (a key a service does not know is ignored)."""


@dataclass
class Harness:
    platform: Platform
    folder: Path
    console: list[str] = field(default_factory=list)
    proxies: dict[str, FaultProxy] = field(default_factory=dict)
    stop_watching: threading.Event = field(default_factory=threading.Event)
    watcher: threading.Thread | None = None

    @property
    def gateway(self) -> str:
        return self.platform.gateway.url

    @property
    def urls(self) -> dict[str, str]:
        """Every service and the gateway, by name: their own addresses (not through the gateway)."""
        return {s.name: s.url for s in [*self.platform.services, self.platform.gateway]}

    @property
    def nats_url(self) -> str:
        return self.platform.nats.url

    @property
    def postgres(self) -> str:
        return self.platform.pg.dsn()

    def say(self, line: str) -> None:
        self.console.append(line)
        with (self.folder / "console.log").open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    # -- health ------------------------------------------------------------------------------

    async def not_ready(self, client: httpx.AsyncClient) -> list[str]:
        """The services (and gateway) whose /readyz does not answer 200 now."""

        async def ready(name: str, url: str) -> bool:
            try:
                return (await client.get(f"{url}/readyz", timeout=3)).status_code == 200
            except httpx.HTTPError:
                return False

        names = list(self.urls)
        answers = await asyncio.gather(*(ready(name, self.urls[name]) for name in names))
        return [name for name, ok in zip(names, answers, strict=True) if not ok]

    async def until_ready(self, client: httpx.AsyncClient, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while failing := await self.not_ready(client):
            if time.monotonic() > deadline:
                raise AssertionError(f"not ready {timeout:.0f}s after the fault: {failing}")
            await asyncio.sleep(0.25)

    async def restarted(self, name: str, before: int, timeout: float = 60.0) -> None:
        """Until the supervisor has started `name` (a service, `postgres`, `nats`, `nats-<i>`)
        again since it had `before` restarts."""
        deadline = time.monotonic() + timeout
        while self.platform.units[name].restarts <= before:
            assert time.monotonic() < deadline, f"{name} was not restarted: {self.console[-5:]}"
            await asyncio.sleep(0.1)

    async def outbox_pending(self, client: httpx.AsyncClient) -> dict[str, float | None]:
        """`outbox_pending_events` of each service's relay, from its /metrics (None: not reported yet)."""
        found: dict[str, float | None] = {}
        for name, url in self.urls.items():
            found[name] = None
            try:
                text = (await client.get(f"{url}/metrics", timeout=3)).text
            except httpx.HTTPError:
                continue
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    if sample.name == "outbox_pending_events":
                        found[name] = (found[name] or 0.0) + sample.value
        return found

    async def dead_letters(self) -> int:
        """Messages in the DEADLETTER stream (counted on NATS: a restarted service's own
        counters start again at zero)."""
        nc = await nats.connect(self.nats_url.split(","), connect_timeout=3, max_reconnect_attempts=3)
        try:
            info = await nc.jetstream(timeout=10).stream_info("DEADLETTER")
            return int(info.state.messages)
        finally:
            await nc.close()


def http_client(harness: Harness) -> httpx.AsyncClient:
    """A client of the gateway, for many concurrent citizens."""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    return httpx.AsyncClient(base_url=harness.gateway, timeout=30, limits=limits)


@contextmanager
def running(name: str, *, nats_nodes: int = 1, proxied: str | None = None) -> Iterator[Harness]:
    """The platform, started from this (the main) thread and supervised from a thread that lives
    until the end; `proxied` names a service whose PostgreSQL and NATS connections go through
    fault proxies (`harness.proxies["postgres"]`, `["nats"]`)."""
    root = repo_root(Path(__file__).resolve().parent)
    folder = data_root(root) / "test" / f"faults-{name}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    harness = Harness(platform=None, folder=folder)  # type: ignore[arg-type]  # set just below
    platform = Platform(
        root, data=folder / "data", free_ports=True, nats_nodes=nats_nodes, settings=SETTINGS, say=harness.say
    )
    harness.platform = platform
    try:
        if proxied is not None:
            _route_through_proxies(harness, proxied)
        platform.start()
        harness.watcher = threading.Thread(
            target=platform.watch, args=(harness.stop_watching,), name="faults-supervisor", daemon=True
        )
        harness.watcher.start()
        yield harness
    finally:
        platform.stopping = True
        platform.stop()
        harness.stop_watching.set()
        if harness.watcher is not None:
            harness.watcher.join(10)
        for proxy in harness.proxies.values():
            proxy.stop()
        if not os.environ.get("SHUBBAK_FAULTS_KEEP"):  # set it to read the services' logs afterwards
            shutil.rmtree(folder, ignore_errors=True)


def _route_through_proxies(harness: Harness, service_name: str) -> None:
    platform = harness.platform
    service = next(s for s in platform.services if s.name == service_name)
    assert isinstance(platform.nats, NatsProcess), "the proxied platform runs one NATS server"
    db = harness.proxies["postgres"] = FaultProxy("127.0.0.1", platform.pg.port)
    bus = harness.proxies["nats"] = FaultProxy("127.0.0.1", platform.nats.port)
    db.start()
    bus.start()
    url = platform.pg.dsn(service.package, driver="postgresql+asyncpg").replace(f":{platform.pg.port}/", f":{db.port}/")
    platform.overrides[service_name] = {
        f"{service.env_prefix}DATABASE_URL": url,
        f"{service.env_prefix}NATS_URL": f"nats://127.0.0.1:{bus.port}",
    }
