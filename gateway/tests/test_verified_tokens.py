"""The edge verifies a token's signature once, then keeps the caller until the token expires
(at most a minute), for a bounded number of tokens; refusals are never kept."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from gateway_support import KeyRing, serving

from gateway import proxy as proxy_module
from gateway.proxy import Proxy
from kit.auth import Caller, Issuer, JWKSCache, TokenVerifier
from kit.errors import ProblemError


class Counting:
    """A real verifier (JWKS over HTTP), counting the verifications it performs."""

    def __init__(self, inner: TokenVerifier) -> None:
        self.inner = inner
        self.calls = 0

    async def verify(self, token: str) -> Caller:
        self.calls += 1
        return await self.inner.verify(token)


class Holder:
    def __init__(self, verifier: Counting) -> None:
        self.verifier = verifier


@pytest.fixture(scope="module")
def ring() -> KeyRing:
    return KeyRing()


@pytest.fixture
async def verifier(ring: KeyRing) -> AsyncIterator[Counting]:
    async with serving(ring.app()) as url, httpx.AsyncClient() as http:
        jwks = JWKSCache(f"{url}/.well-known/jwks.json", http)
        yield Counting(TokenVerifier(jwks, issuer=ring.issuer, audience=ring.audience, issued_by=Issuer.IDENTITY))


async def test_a_token_is_verified_once(ring: KeyRing, verifier: Counting) -> None:
    edge = Proxy(Holder(verifier))  # type: ignore[arg-type]
    token = ring.token("citizen-7")
    first = await edge._verified(verifier, token)  # type: ignore[arg-type]
    again = await edge._verified(verifier, token)  # type: ignore[arg-type]
    assert first.subject == again.subject == "citizen-7"
    assert verifier.calls == 1
    await edge._verified(verifier, ring.token("citizen-8"))  # type: ignore[arg-type]
    assert verifier.calls == 2


async def test_kept_no_longer_than_the_token_lives(ring: KeyRing, verifier: Counting) -> None:
    edge = Proxy(Holder(verifier))  # type: ignore[arg-type]
    expires = int(time.time()) + 20
    token = ring.token("citizen-7", exp=expires)
    await edge._verified(verifier, token)  # type: ignore[arg-type]
    assert edge._cache[token][1] <= expires
    edge._cache[token] = (edge._cache[token][0], time.time() - 1)  # as if its time had come
    await edge._verified(verifier, token)  # type: ignore[arg-type]
    assert verifier.calls == 2  # verified afresh, not served from the cache
    long_lived = ring.token("citizen-9", exp=int(time.time()) + 3600)
    await edge._verified(verifier, long_lived)  # type: ignore[arg-type]
    assert edge._cache[long_lived][1] <= time.time() + proxy_module.VERIFIED_SECONDS


async def test_refusals_are_not_kept(ring: KeyRing, verifier: Counting) -> None:
    edge = Proxy(Holder(verifier))  # type: ignore[arg-type]
    forged = KeyRing().token("citizen-7")  # same kid, another key
    for _ in range(2):
        with pytest.raises(ProblemError) as refused:
            await edge._verified(verifier, forged)  # type: ignore[arg-type]
        assert refused.value.status == 401
    assert verifier.calls == 2
    assert not edge._cache


async def test_bounded_and_tied_to_its_verifier(
    ring: KeyRing, verifier: Counting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proxy_module, "VERIFIED_TOKENS", 3)
    edge = Proxy(Holder(verifier))  # type: ignore[arg-type]
    tokens = [ring.token(f"citizen-{n}") for n in range(5)]
    for token in tokens:
        await edge._verified(verifier, token)  # type: ignore[arg-type]
    assert list(edge._cache) == tokens[2:]  # the least recently used went first
    other = Counting(verifier.inner)
    await edge._verified(other, tokens[4])  # type: ignore[arg-type]
    assert other.calls == 1
    assert list(edge._cache) == [tokens[4]]
