"""Rate limits keyed on who is asking: one abuser never empties a bucket another person needs.

Clients connect from distinct loopback addresses (127.0.0.x: every one reaches 127.0.0.1 on
Linux), so the gateway tells them apart by the socket as in production, trusting no header.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from conftest import GatewayFactory
from gateway_support import Counter, KeyRing, serving

from gateway.limits import sensitive_charges
from gateway.settings import Settings
from kit.auth import Caller

SENSITIVE = {"read": "public", "write": "public", "sensitive": True}
STRICT = {"count": 2, "seconds": 600}


@pytest.fixture(scope="module")
def ring() -> KeyRing:
    return KeyRing()


@pytest.fixture(scope="module")
async def jwks_url(ring: KeyRing) -> AsyncIterator[str]:
    async with serving(ring.app()) as url:
        yield f"{url}/.well-known/jwks.json"


@pytest.fixture(scope="module")
async def counter_url() -> AsyncIterator[str]:
    async with serving(Counter().app()) as url:
        yield url


Clients = Callable[..., AbstractAsyncContextManager[Callable[[int], httpx.AsyncClient]]]


@pytest.fixture(scope="module")
def gateway(gateway_at: GatewayFactory, counter_url: str, jwks_url: str) -> Clients:
    """A gateway with a sensitive route over a counting upstream; yields `client(n)`: a client
    connecting from 127.0.0.n."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Callable[[int], httpx.AsyncClient]]:
        settings: dict[str, Any] = {
            "upstreams": {"t": counter_url},
            "routes": {"/v1/things": "t"},
            "policies": {"/v1/things": SENSITIVE},
            "jwks_url": jwks_url,
            **overrides,
        }
        clients: dict[int, httpx.AsyncClient] = {}
        async with gateway_at(**settings) as url:

            def client(n: int) -> httpx.AsyncClient:
                if n not in clients:
                    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{n}")
                    clients[n] = httpx.AsyncClient(base_url=url, transport=transport, headers={"Accept-Language": "en"})
                return clients[n]

            try:
                yield client
            finally:
                for c in clients.values():
                    await c.aclose()

    return start


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refresh_token(family: uuid.UUID | None = None) -> str:
    return f"{family or uuid.uuid4()}.{uuid.uuid4()}.secret"


class TestWhoAndWhat:
    """Which buckets a sensitive request is counted in (gateway.limits.sensitive_charges)."""

    settings = Settings()

    def keys(self, body: dict[str, Any] | bytes, caller: Caller | None = None, path: str = "/v1/x") -> list[str]:
        raw = body if isinstance(body, bytes) else httpx.Request("POST", "/", json=body).content
        return [c.key for c in sensitive_charges(path, caller, "10.0.0.1", raw, self.settings)]

    def test_fixed_paths_are_never_a_bucket(self) -> None:
        deep = b'{"refresh_token":' + b"[" * 50_000 + b"]" * 50_000 + b"}"  # too deep for json.loads
        for body in ({"refresh_token": "not-a-token"}, {}, b"not json", {"mobile": None}, deep):
            assert self.keys(body, path="/v1/sessions/refresh") == ["s-addr:10.0.0.1"]

    def test_what_the_request_is_about(self) -> None:
        family = uuid.uuid4()
        assert self.keys({"refresh_token": refresh_token(family)})[1:] == [f"s-session:{family}"]
        assert self.keys({"national_id": "٢٩٠٠١٠١٠١٢٣٤٥٦", "mobile": "+20 10 1234 5678"})[1:] == [
            "s-nid:29001010123456",
            "s-mobile:1012345678",
        ]
        assert self.keys({"mobile": "01012345678"})[1:] == ["s-mobile:1012345678"]
        citizen = str(uuid.uuid4())
        assert self.keys({"citizen_id": citizen.upper()})[1:] == [f"s-citizen:{citizen}"]
        assert self.keys({"username": " Amal ", "password": "x"})[1:] == ["s-user:amal@10.0.0.1"]
        challenge = uuid.uuid4()
        assert self.keys({"code": "123456"}, path=f"/v1/enrolments/{challenge}/verification/")[1:] == [
            f"s-path:/v1/enrolments/{challenge}/verification"
        ]

    def test_who_asks(self) -> None:
        clerk = Caller(kind="staff", subject="clerk-1", roles=frozenset({"office_clerk"}))
        citizen = Caller(kind="citizen", subject="c-1")
        assert self.keys({}, clerk) == ["s-staff:clerk-1"]
        assert self.keys({}, citizen) == ["s-acct:citizen:c-1"]
        anonymous = sensitive_charges("/v1/x", None, "10.0.0.1", b'{"username":"a","password":"b"}', self.settings)
        assert [c.refund_on_success for c in anonymous] == [True, True]  # only failed sign-ins count


class TestNobodyBlocksAnother:
    async def test_bogus_refreshes_from_many_addresses_block_no_citizen(self, gateway: Clients) -> None:
        """Before: every refresh without a national ID shared one platform-wide bucket (12 bogus
        refreshes from 12 addresses blocked every citizen's refresh)."""
        async with gateway(rate_sensitive_identity=STRICT) as client:
            for n in range(2, 40):
                for token in ("garbage", refresh_token()):
                    response = await client(n).post("/v1/things/refresh", json={"refresh_token": token})
                    assert response.status_code == 200, (n, response.text)
            mine = refresh_token()
            assert (await client(50).post("/v1/things/refresh", json={"refresh_token": mine})).status_code == 200
            # a session's own bucket does fill up, from any address, and only that session's
            stolen = refresh_token()
            statuses = [
                (await client(n).post("/v1/things/refresh", json={"refresh_token": stolen})).status_code
                for n in (60, 61, 62)
            ]
            assert statuses == [200, 200, 429]
            assert (await client(60).post("/v1/things/refresh", json={"refresh_token": mine})).status_code == 200

    async def test_staff_sign_in_a_stranger_guessing_a_username_never_blocks_its_owner(self, gateway: Clients) -> None:
        async with gateway(rate_sensitive_identity=STRICT, rate_sensitive_address=STRICT) as client:
            guess = {"username": "amal", "password": "guess"}
            for n in range(2, 30):  # 28 addresses, 3 wrong guesses each
                statuses = [
                    (await client(n).post("/v1/things", json=guess, headers={"x-want-status": "401"})).status_code
                    for _ in range(3)
                ]
                assert statuses == [401, 401, 429]
            owner = {"username": "amal", "password": "right"}
            assert (await client(100).post("/v1/things", json=owner)).status_code == 201

    async def test_a_call_centre_signs_its_whole_shift_in_from_one_address(self, gateway: Clients) -> None:
        """Only failed sign-ins count against the address (a 2xx gives the token back)."""
        async with gateway(rate_sensitive_address=STRICT) as client:
            centre = client(7)
            for n in range(40):
                response = await centre.post("/v1/things", json={"username": f"agent{n}", "password": "right"})
                assert response.status_code == 201, (n, response.text)
            again = {"username": "agent1", "password": "right"}
            for _ in range(5):  # the same agent, again and again: successes are no guesses
                assert (await centre.post("/v1/things", json=again)).status_code == 201
            wrong = {"username": "agent1", "password": "wrong"}
            statuses = [
                (await centre.post("/v1/things", json=wrong, headers={"x-want-status": "401"})).status_code
                for _ in range(3)
            ]
            assert statuses == [401, 401, 429]

    async def test_a_staff_token_moves_the_address_limit_to_the_staff_member(
        self, gateway: Clients, ring: KeyRing
    ) -> None:
        async with gateway(rate_sensitive_address=STRICT, rate_sensitive_identity=STRICT) as client:
            post_office = client(9)
            clerk = bearer(ring.token("clerk-1", typ="staff", roles=["office_clerk"]))
            for n in range(10):  # ten citizens enrolled at one desk, one address
                body = {"national_id": f"2900101012{n:04d}", "mobile": f"0101234{n:04d}"}
                assert (await post_office.post("/v1/things", json=body, headers=clerk)).status_code == 201
            same = {"national_id": "29001010120000"}  # per national ID limits stay
            again = [(await post_office.post("/v1/things", json=same, headers=clerk)).status_code for _ in range(2)]
            assert again == [201, 429]
            anonymous = [
                (await post_office.post("/v1/things", json={"national_id": f"3000101012{n:04d}"})).status_code
                for n in range(3)
            ]
            assert anonymous == [201, 201, 429]  # without a staff token: the address
            other_clerk = bearer(ring.token("clerk-2", typ="staff", roles=["office_clerk"]))
            body = {"national_id": "29101010123456"}
            assert (await post_office.post("/v1/things", json=body, headers=other_clerk)).status_code == 201

    async def test_consents_per_agent_and_citizen(self, gateway: Clients, ring: KeyRing) -> None:
        async with gateway(rate_sensitive_identity=STRICT, rate_sensitive_staff=STRICT) as client:
            centre = client(11)
            one = bearer(ring.token("agent-1", typ="staff", roles=["call_centre_agent"]))
            two = bearer(ring.token("agent-2", typ="staff", roles=["call_centre_agent"]))
            statuses = [
                (await centre.post("/v1/things", json={"citizen_id": str(uuid.uuid4())}, headers=one)).status_code
                for _ in range(3)
            ]
            assert statuses == [201, 201, 429]  # one agent's own bucket
            assert (
                await centre.post("/v1/things", json={"citizen_id": str(uuid.uuid4())}, headers=two)
            ).status_code == 201

    async def test_mobile_changes_per_account(self, gateway: Clients, ring: KeyRing) -> None:
        async with gateway(rate_sensitive_address=STRICT) as client:
            nat = client(12)  # one carrier-grade NAT address for many citizens
            for n in range(5):
                citizen = bearer(ring.token(f"citizen-{n}", typ="citizen"))
                statuses = [
                    (await nat.post("/v1/things", json={"mobile": f"0111234{n}{i}00"}, headers=citizen)).status_code
                    for i in range(3)
                ]
                assert statuses == [201, 201, 429]

    async def test_recent_tokens_count_against_their_account_not_the_address(
        self, gateway: Clients, ring: KeyRing
    ) -> None:
        async with gateway(rate_address={"count": 3, "seconds": 600}) as client:
            nat = client(13)
            tokens = [bearer(ring.token(f"citizen-{n}", typ="citizen")) for n in range(2)]
            for headers in tokens:  # the first request of each token is the address's
                assert (await nat.get("/v1/things/1", headers=headers)).status_code == 200
            for _ in range(10):
                for headers in tokens:
                    assert (await nat.get("/v1/things/1", headers=headers)).status_code == 200
            anonymous = [(await nat.get("/v1/things/1")).status_code for _ in range(2)]
            assert anonymous == [200, 429]
            bad = await nat.get("/v1/things/1", headers=bearer("not-a-token"))
            assert bad.status_code == 429  # a bad token is the address's too

    async def test_a_bad_token_on_a_public_route_is_ignored(self, gateway: Clients) -> None:
        async with gateway() as client:
            response = await client(14).post("/v1/things", json={}, headers=bearer(KeyRing().token(typ="staff")))
            assert response.status_code == 201


class TestTheServicesSeeTheSameAddress:
    async def test_behind_a_trusted_proxy_the_clients_address_is_forwarded_not_the_proxys(
        self, gateway_at: GatewayFactory, catalog_url: str
    ) -> None:
        """identity keys its own limits on X-Forwarded-For: it must be the client's, or behind a
        load balancer every citizen would share the balancer's one bucket."""
        async with gateway_at(upstreams={"c": catalog_url}, routes={"/v1/e": "c"}, trusted_proxy_hops=1) as url:
            async with httpx.AsyncClient(base_url=url) as balancer:
                response = await balancer.get("/v1/e/echo", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
        seen = dict(response.json()["headers"])
        assert seen["x-forwarded-for"] == "203.0.113.9"

    async def test_a_trusted_frontend_speaks_for_its_visitors_and_nobody_else_does(
        self, gateway_at: GatewayFactory, catalog_url: str
    ) -> None:
        """web calls the gateway for every citizen it serves: believed from its own address (its
        visitor's address goes on to the services), a stranger's X-Forwarded-For is not."""
        trusting_web = gateway_at(upstreams={"c": catalog_url}, routes={"/v1/e": "c"}, trusted_proxies=["127.0.0.1"])
        async with trusting_web as url:
            async with httpx.AsyncClient(base_url=url) as web:
                believed = await web.get("/v1/e/echo", headers={"X-Forwarded-For": "203.0.113.9"})
            stranger = httpx.AsyncHTTPTransport(local_address="127.0.0.7")
            async with httpx.AsyncClient(base_url=url, transport=stranger) as spoofer:
                ignored = await spoofer.get("/v1/e/echo", headers={"X-Forwarded-For": "203.0.113.9"})
        assert dict(believed.json()["headers"])["x-forwarded-for"] == "203.0.113.9"
        assert dict(ignored.json()["headers"])["x-forwarded-for"] == "127.0.0.7"
