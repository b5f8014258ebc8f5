"""Kill -9 each service in turn, NATS and PostgreSQL, in the middle of concurrent paperless flows
(powers of attorney, birth certificates, ration card replacements), on the platform as `make run`
starts and supervises it; hold PostgreSQL down for longer than the consumers' redelivery budget;
and put latency, a stall and a cut between notary-svc and PostgreSQL or NATS (through a TCP
fault proxy). Every accepted flow completes exactly once, the money adds up, no outbox event is
left behind, and a request during a broken link gets a problem (503/504) instead of hanging.

One platform serves the module; notary-svc's PostgreSQL and NATS connections go through fault
proxies all along (passing everything unless a test breaks the link).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from faults_flows import World, enrol, make_world
from faults_harness import REDELIVERY_BUDGET, Harness, http_client, running
from faults_scenario import MIX, Fault, scenario, verdict

pytestmark = pytest.mark.slow

SERVICES = ("identity", "catalog", "notary", "payment", "office_routing", "ration", "gateway")
PROXY_MIX = ("poa",) * 4 + ("certificate",) * 2


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with running("kills", proxied="notary") as started:
        yield started


@pytest.fixture(scope="module")
async def client(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(harness) as opened:
        yield opened


@pytest.fixture(scope="module")
async def world(harness: Harness, client: httpx.AsyncClient) -> World:
    return await make_world(client, harness.postgres, ration_households=MIX.count("ration") * (len(SERVICES) + 3) + 2)


def kill(harness: Harness, name: str, *, down_for: float = 0.0) -> Fault:
    """SIGKILL `name` (a service, `postgres` or `nats`); with `down_for`, the supervisor is
    held off that long before it may start it again."""

    async def inject() -> None:
        unit = harness.platform.units[name]
        before = unit.restarts
        if down_for:
            harness.platform.hold(name)
        if name == "postgres":
            harness.platform.pg.kill()
        elif name == "nats":
            harness.platform.nats.kill()
        else:
            harness.platform.kill(name)
        if down_for:
            await asyncio.sleep(down_for)
            harness.platform.release(name)
        await harness.restarted(name, before)

    return inject


@pytest.mark.parametrize("name", SERVICES)
async def test_a_service_killed_mid_flow(harness, world, client, name):
    figures, flows = await scenario(harness, world, client, f"kill -9 {name}", kill(harness, name))
    verdict(figures, flows)
    assert any(line.startswith(f"  restarted  {name}") for line in harness.console)


async def test_nats_killed_mid_flow(harness, world, client):
    figures, flows = await scenario(harness, world, client, "kill -9 NATS", kill(harness, "nats"))
    verdict(figures, flows)


async def test_postgres_killed_mid_flow(harness, world, client):
    figures, flows = await scenario(harness, world, client, "kill -9 PostgreSQL", kill(harness, "postgres"))
    verdict(figures, flows)


async def test_postgres_down_longer_than_the_redelivery_budget(harness, world, client):
    outage = 2 * REDELIVERY_BUDGET + 4
    name = f"PostgreSQL down {outage:.0f}s (budget {REDELIVERY_BUDGET:.0f}s)"
    figures, flows = await scenario(harness, world, client, name, kill(harness, "postgres", down_for=outage))
    verdict(figures, flows)


# -- a broken link between notary-svc and PostgreSQL or NATS -------------------------------------


@dataclass
class Probe:
    """Requests to notary-svc, through the gateway and straight, while a link is broken."""

    answers: list[tuple[str, int | None, float, str]] = field(default_factory=list)
    asked: list[asyncio.Task[None]] = field(default_factory=list)

    async def run(self, client: httpx.AsyncClient, harness: Harness, headers: dict[str, str], seconds: float) -> None:
        """Ask twice a second for `seconds` (whether or not earlier requests were answered)."""
        deadline = time.monotonic() + seconds
        targets = {"gateway": harness.gateway, "notary": harness.urls["notary"]}
        while time.monotonic() < deadline:
            for via, url in targets.items():
                self.asked.append(asyncio.create_task(self.once(client, via, url, headers)))
            await asyncio.sleep(0.5)

    async def answered(self) -> None:
        await asyncio.gather(*self.asked)

    async def once(self, client: httpx.AsyncClient, via: str, base: str, headers: dict[str, str]) -> None:
        began = time.monotonic()
        try:
            response = await client.get(f"{base}/v1/powers-of-attorney", headers=headers, timeout=30)
        except httpx.HTTPError as exc:
            self.answers.append((via, None, time.monotonic() - began, repr(exc)))
            return
        kind = response.headers.get("content-type", "")
        self.answers.append((via, response.status_code, time.monotonic() - began, kind))

    def check(self, *, allowed: set[int], within: float) -> None:
        assert self.answers, "no request was made during the fault"
        hung = [a for a in self.answers if a[1] is None or a[2] > within]
        assert not hung, f"requests hung or failed to answer within {within}s: {hung[:6]}"
        wrong = [a for a in self.answers if a[1] not in allowed]
        assert not wrong, f"answers outside {sorted(allowed)}: {wrong[:6]}"
        not_problems = [a for a in self.answers if a[1] and a[1] >= 400 and "problem+json" not in a[3]]
        assert not not_problems, f"errors that are not problem+json: {not_problems[:6]}"


@pytest.fixture(scope="module")
async def prober(world: World) -> dict[str, str]:
    """A citizen whose requests probe notary-svc during a broken link."""
    citizen = await enrol(world, world.flow("certificate"))
    return citizen.auth


def broken(harness: Harness, client: httpx.AsyncClient, probe: Probe, headers: dict[str, str], link: str,
           how: str, seconds: float) -> Fault:  # fmt: skip
    async def inject() -> None:
        if how == "latency":  # on both of notary-svc's links at once
            for proxy in harness.proxies.values():
                proxy.latency(0.2)
        else:
            getattr(harness.proxies[link], how)()
        try:
            await probe.run(client, harness, headers, seconds)
        finally:
            for each in harness.proxies.values():
                each.heal()

    return inject


LINKS = [
    pytest.param("postgres", "latency", {200}, id="latency-200ms-postgres-and-nats"),
    pytest.param("postgres", "stall", {200, 503, 504}, id="postgres-stall"),
    pytest.param("postgres", "cut", {200, 503}, id="postgres-cut"),
    pytest.param("nats", "stall", {200}, id="nats-stall"),
    pytest.param("nats", "cut", {200}, id="nats-cut"),
]  # fmt: skip


ANSWER_WITHIN = 10.0
"""Seconds a request may take while a link is broken: the gateway's upstream timeout (6 s) or
the service's own database timeouts (5 s), and a margin. A stall lasts longer than this, so a
request that waits for the link to heal is caught."""


@pytest.mark.parametrize(("link", "how", "allowed"), LINKS)
async def test_a_broken_link_between_notary_and(harness, world, client, prober, link, how, allowed):
    probe = Probe()
    name = f"notary-svc ↔ {link}: {how}"
    seconds = ANSWER_WITHIN + 4 if how == "stall" else 6.0
    fault = broken(harness, client, probe, prober, link, how, seconds=seconds)
    figures, flows = await scenario(harness, world, client, name, fault, mix=PROXY_MIX)
    await probe.answered()
    verdict(figures, flows)
    probe.check(allowed=allowed, within=ANSWER_WITHIN)
