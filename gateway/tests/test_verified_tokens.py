"""The edge verifies a token's signature once, then keeps the caller until the token expires
(at most a minute), for a bounded number of tokens; refusals are never kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from gateway_support import KeyRing, serving

from gateway import proxy as proxy_module
from gateway.integrators.keys import EdgeVerifier
from gateway.proxy import Proxy
from gateway.settings import Settings
from gateway.state import Gateway
from kit.auth import Caller, Issuer, JWKSCache, TokenVerifier
from kit.clock import ManualClock
from kit.errors import ProblemError


class Counting(TokenVerifier):
    """A real verifier (JWKS over HTTP), counting the verifications it performs."""

    calls = 0

    async def verify(self, token: str) -> Caller:
        self.calls += 1
        return await super().verify(token)


def edge(verifier: Counting, clock: ManualClock) -> tuple[Proxy, EdgeVerifier]:
    """The gateway's proxy on its own clock, verifying identity's tokens with `verifier`."""
    gateway = Gateway.build(Settings(policies={}, events=False), clock=clock)
    checks = gateway.verifier = EdgeVerifier(verifier, verifier)
    return Proxy(gateway), checks


@pytest.fixture(scope="module")
def ring() -> KeyRing:
    return KeyRing()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def jwks(ring: KeyRing) -> AsyncIterator[JWKSCache]:
    async with serving(ring.app()) as url, httpx.AsyncClient() as http:
        yield JWKSCache(f"{url}/.well-known/jwks.json", http)


@pytest.fixture
def verifier(ring: KeyRing, jwks: JWKSCache) -> Counting:
    return Counting(jwks, issuer=ring.issuer, audience=ring.audience, issued_by=Issuer.IDENTITY)


async def test_a_token_is_verified_once(ring: KeyRing, verifier: Counting, clock: ManualClock) -> None:
    proxy, checks = edge(verifier, clock)
    token = ring.token("citizen-7")
    first = await proxy._verified(checks, token)
    again = await proxy._verified(checks, token)
    assert first.subject == again.subject == "citizen-7"
    assert verifier.calls == 1
    await proxy._verified(checks, ring.token("citizen-8"))
    assert verifier.calls == 2


async def test_kept_no_longer_than_the_token_lives(ring: KeyRing, verifier: Counting, clock: ManualClock) -> None:
    proxy, checks = edge(verifier, clock)
    expires = int(clock.now().timestamp()) + 20
    token = ring.token("citizen-7", exp=expires)
    await proxy._verified(checks, token)
    assert proxy._recent(token) is not None
    assert proxy._cache[token][1] <= expires
    clock.advance(timedelta(seconds=21))  # its time has come, on the gateway's clock
    assert proxy._recent(token) is None
    await proxy._verified(checks, token)
    assert verifier.calls == 2  # verified afresh, not served from the cache
    long_lived = ring.token("citizen-9", exp=int(clock.now().timestamp()) + 3600)
    await proxy._verified(checks, long_lived)
    assert proxy._cache[long_lived][1] == clock.now().timestamp() + proxy_module.VERIFIED_SECONDS
    clock.advance(timedelta(seconds=proxy_module.VERIFIED_SECONDS))  # at most a minute, then checked again
    assert proxy._recent(long_lived) is None


async def test_refusals_are_not_kept(ring: KeyRing, verifier: Counting, clock: ManualClock) -> None:
    proxy, checks = edge(verifier, clock)
    forged = KeyRing().token("citizen-7")  # same kid, another key
    for _ in range(2):
        with pytest.raises(ProblemError) as refused:
            await proxy._verified(checks, forged)
        assert refused.value.status == 401
    assert verifier.calls == 2
    assert not proxy._cache


async def test_bounded_and_tied_to_its_verifier(
    ring: KeyRing, verifier: Counting, jwks: JWKSCache, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proxy_module, "VERIFIED_TOKENS", 3)
    proxy, checks = edge(verifier, clock)
    tokens = [ring.token(f"citizen-{n}") for n in range(5)]
    for token in tokens:
        await proxy._verified(checks, token)
    assert list(proxy._cache) == tokens[2:]  # the least recently used went first
    other = Counting(jwks, issuer=ring.issuer, audience=ring.audience, issued_by=Issuer.IDENTITY)
    await proxy._verified(EdgeVerifier(other, other), tokens[4])
    assert other.calls == 1
    assert list(proxy._cache) == [tokens[4]]
