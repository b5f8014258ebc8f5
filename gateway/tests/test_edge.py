"""Auth at the edge, rate limits, security headers and CORS, against real servers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from conftest import GatewayFactory
from gateway_support import Counter, KeyRing, serving

from gateway.policy import BUILT_IN, PolicyTable, parse_access
from gateway.settings import routes_from_platform
from kit.auth import Caller

PLATFORM = Path(__file__).resolve().parents[2] / "platform.toml"
WEB = "https://www.shubbak.example"


@pytest.fixture(scope="module")
def ring() -> KeyRing:
    return KeyRing()


@pytest.fixture(scope="module")
async def jwks_url(ring: KeyRing) -> AsyncIterator[str]:
    async with serving(ring.app()) as url:
        yield f"{url}/.well-known/jwks.json"


@pytest.fixture(scope="module")
def counter() -> Counter:
    return Counter()


@pytest.fixture(scope="module")
async def counter_url(counter: Counter) -> AsyncIterator[str]:
    async with serving(counter.app()) as url:
        yield url


@pytest.fixture(scope="module")
async def edge(gateway_at: GatewayFactory, jwks_url: str, counter_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway with the built-in policy table in front of a counting upstream."""
    routes = {prefix: "things" for prefix in ("/v1/things", "/v1/me", "/v1/staff", "/v1/payments", "/v1/services")}
    built_in = {p: s for p, s in BUILT_IN.items() if any(p == r or p.startswith(r + "/") for r in routes)}
    policies = {**built_in, "/v1/things": "citizen|integrator:ration"}
    async with gateway_at(
        upstreams={"things": counter_url},
        routes=routes,
        policies=policies,
        jwks_url=jwks_url,
        cors_origins=[WEB],
    ) as url:
        async with httpx.AsyncClient(base_url=url, headers={"Accept-Language": "en"}) as client:
            yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestPolicyTable:
    def test_every_platform_prefix_has_a_policy(self) -> None:
        _, routes = routes_from_platform(PLATFORM)
        table = PolicyTable(BUILT_IN)
        missing = [prefix for prefix in routes if table.match(prefix) is None or table.match(prefix).prefix == "/"]
        assert missing == []

    def test_longest_prefix(self) -> None:
        table = PolicyTable(BUILT_IN)
        sessions, access_log = table.match("/v1/staff/sessions/x"), table.match("/v1/staff/access-log")
        assert sessions is not None
        assert sessions.read.public
        assert access_log is not None
        assert not access_log.read.public
        assert table.match("/v1/nothing") is None

    @pytest.mark.parametrize(
        ("spec", "caller", "admitted"),
        [
            ("citizen", Caller(kind="citizen", subject="c"), True),
            ("citizen", Caller(kind="staff", subject="s", roles=frozenset({"admin"})), False),
            ("staff:auditor", Caller(kind="staff", subject="s", roles=frozenset({"auditor"})), True),
            ("staff:auditor", Caller(kind="staff", subject="s", roles=frozenset({"notary_clerk"})), False),
            ("staff:auditor", Caller(kind="staff", subject="s", roles=frozenset({"admin"})), True),
            ("staff", Caller(kind="staff", subject="s", roles=frozenset({"office_clerk"})), True),
            ("integrator:a+b", Caller(kind="integrator", subject="i", scopes=frozenset({"b"})), True),
            ("integrator:a", Caller(kind="integrator", subject="i", scopes=frozenset({"b"})), False),
            ("citizen|staff", Caller(kind="integrator", subject="i"), False),
        ],
    )
    def test_access_specs(self, spec: str, caller: Caller, admitted: bool) -> None:
        assert parse_access(spec).admits(caller) is admitted

    def test_a_typo_is_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown access"):
            parse_access("citizens")


class TestEdgeAuth:
    async def test_no_token_is_401_before_the_upstream(self, edge: httpx.AsyncClient, counter: Counter) -> None:
        before = len(counter.calls)
        response = await edge.post("/v1/things", json={})
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "unauthenticated"
        assert len(counter.calls) == before

    async def test_bad_token_is_401(self, edge: httpx.AsyncClient, ring: KeyRing, counter: Counter) -> None:
        before = len(counter.calls)
        forged = KeyRing().token()  # a key identity never published
        for token in ("not-a-jwt", forged, ring.token(exp=1)):
            response = await edge.get("/v1/me", headers=bearer(token))
            assert (response.status_code, response.json()["code"]) == (401, "invalid_token")
        assert len(counter.calls) == before

    async def test_wrong_kind_or_role_is_403(self, edge: httpx.AsyncClient, ring: KeyRing, counter: Counter) -> None:
        before = len(counter.calls)
        clerk = ring.token("staff-1", typ="staff", roles=["notary_clerk"])
        assert (await edge.get("/v1/me", headers=bearer(clerk))).status_code == 403
        assert (await edge.get("/v1/payments/ledger", headers=bearer(clerk))).status_code == 403
        citizen = ring.token("citizen-9", typ="citizen")
        assert (await edge.get("/v1/staff/access-log", headers=bearer(citizen))).status_code == 403
        assert len(counter.calls) == before

    async def test_a_kind_its_issuer_does_not_issue_is_401(
        self, edge: httpx.AsyncClient, ring: KeyRing, counter: Counter
    ) -> None:
        """Identity's key signs citizens and staff only: `typ=integrator` under it is a forgery
        (kit.auth.ISSUES), refused as an invalid token, not admitted and then refused for scope."""
        before = len(counter.calls)
        for scope in ("ration", "notary"):
            forged = ring.token("bank-1", typ="integrator", scope=scope)
            response = await edge.post("/v1/things", headers=bearer(forged))
            assert (response.status_code, response.json()["code"]) == (401, "invalid_token")
        assert len(counter.calls) == before

    async def test_admitted_callers_reach_the_upstream_with_their_token(
        self, edge: httpx.AsyncClient, ring: KeyRing, counter: Counter
    ) -> None:
        auditor = ring.token("staff-2", typ="staff", roles=["auditor"])
        assert (await edge.get("/v1/payments/ledger/x", headers=bearer(auditor))).status_code == 200
        citizen = ring.token("citizen-3", typ="citizen")
        assert (await edge.get("/v1/things/1", headers=bearer(citizen))).status_code == 200
        assert (await edge.get("/v1/services/x")).status_code == 200  # public read
        assert (await edge.post("/v1/services/x")).status_code == 401  # admin write

    async def test_no_verifier_fails_closed(self, gateway_at: GatewayFactory, counter_url: str) -> None:
        async with gateway_at(upstreams={"t": counter_url}, routes={"/v1/me": "t"}, policies=None) as url:
            async with httpx.AsyncClient(base_url=url) as client:
                response = await client.get("/v1/me", headers=bearer(KeyRing().token()))
        assert response.status_code == 503
        assert "127.0.0.1" not in response.text


class TestRateLimits:
    async def test_per_address_429_with_retry_after(self, gateway_at: GatewayFactory, counter_url: str) -> None:
        limited = {"count": 3, "seconds": 60}
        async with gateway_at(upstreams={"t": counter_url}, routes={"/v1/things": "t"}, rate_address=limited) as url:
            async with httpx.AsyncClient(base_url=url, headers={"Accept-Language": "en"}) as client:
                statuses = [(await client.get("/v1/things/a")).status_code for _ in range(3)]
                refused = await client.get("/v1/things/a")
        assert statuses == [200, 200, 200]
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert 1 <= int(refused.headers["retry-after"]) <= 20  # one token refills in 20 s
        assert refused.json()["code"] == "too_many_requests"
        assert refused.json()["title"] == "Too many requests"

    async def test_per_account(
        self, gateway_at: GatewayFactory, counter_url: str, jwks_url: str, ring: KeyRing
    ) -> None:
        async with gateway_at(
            upstreams={"t": counter_url},
            routes={"/v1/me": "t"},
            policies={"/v1/me": "citizen"},
            jwks_url=jwks_url,
            rate_account={"count": 2, "seconds": 60},
        ) as url:
            async with httpx.AsyncClient(base_url=url) as client:
                one, other = bearer(ring.token("citizen-a")), bearer(ring.token("citizen-b"))
                first = [(await client.get("/v1/me", headers=one)).status_code for _ in range(3)]
                second = (await client.get("/v1/me", headers=other)).status_code
        assert first == [200, 200, 429]
        assert second == 200  # a different account has its own bucket

    async def test_per_national_id_on_otp_routes(self, gateway_at: GatewayFactory, counter_url: str) -> None:
        async with gateway_at(
            upstreams={"t": counter_url},
            routes={"/v1/things": "t"},
            policies={"/v1/things": {"read": "public", "write": "public", "sensitive": True}},
            rate_sensitive_identity={"count": 2, "seconds": 600},
        ) as url:
            async with httpx.AsyncClient(base_url=url) as client:
                spellings = ["29001010123456", "2900 1010 1234 56", "٢٩٠٠١٠١٠١٢٣٤٥٦"]
                statuses = [(await client.post("/v1/things", json={"national_id": n})).status_code for n in spellings]
                other = await client.post("/v1/things", json={"national_id": "30001010123457"})
                challenge_path = f"/v1/things/{uuid.uuid4()}/verify"
                challenge = [(await client.post(challenge_path, json={})).status_code for _ in range(3)]
        assert statuses == [201, 201, 429]  # one person however the digits are written
        assert other.status_code == 201
        assert challenge == [200, 200, 429]  # verify attempts per challenge

    async def test_sensitive_per_address(self, gateway_at: GatewayFactory, counter_url: str) -> None:
        async with gateway_at(
            upstreams={"t": counter_url},
            routes={"/v1/things": "t"},
            policies={"/v1/things": {"read": "public", "write": "public", "sensitive": True}},
            rate_sensitive_address={"count": 2, "seconds": 600},
        ) as url:
            async with httpx.AsyncClient(base_url=url) as client:
                ids = ["29001010123456", "29001010123458", "29001010123460"]
                statuses = [(await client.post("/v1/things", json={"national_id": n})).status_code for n in ids]
                read = await client.get("/v1/things/1")
        assert statuses == [201, 201, 429]
        assert read.status_code == 200  # reads are not OTP traffic


class TestBrowsers:
    async def test_security_headers(self, edge: httpx.AsyncClient) -> None:
        for path in ("/v1/services/x", "/v1/nowhere", "/healthz"):
            response = await edge.get(path)
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert response.headers["strict-transport-security"].startswith("max-age=")
        assert "content-security-policy" not in (await edge.get("/docs")).headers

    async def test_preflight_for_an_allowed_origin(self, edge: httpx.AsyncClient, counter: Counter) -> None:
        before = len(counter.calls)
        response = await edge.options(
            "/v1/things",
            headers={
                "Origin": WEB,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, idempotency-key",
            },
        )
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == WEB
        assert "POST" in response.headers["access-control-allow-methods"]
        assert "Idempotency-Key" in response.headers["access-control-allow-headers"]
        assert len(counter.calls) == before  # answered at the edge

    async def test_other_origins_get_no_cors_headers(self, edge: httpx.AsyncClient) -> None:
        evil = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        preflight = await edge.options("/v1/things", headers=evil)
        assert "access-control-allow-origin" not in preflight.headers
        response = await edge.get("/v1/services/x", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers

    async def test_refusals_at_the_door_carry_the_browser_headers(self, edge: httpx.AsyncClient) -> None:
        """kit's own problem answers (NUL, body limits) get them too: one send wrapper adds both."""
        response = await edge.get("/v1/services/x%00y", headers={"Origin": WEB})
        assert response.status_code == 422
        assert response.json()["code"] == "nul_character"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["access-control-allow-origin"] == WEB
        assert response.json()["request_id"] == response.headers["x-request-id"]

    async def test_actual_request_exposes_headers(self, edge: httpx.AsyncClient) -> None:
        response = await edge.get("/v1/services/x", headers={"Origin": WEB})
        assert response.headers["access-control-allow-origin"] == WEB
        assert "Idempotent-Replayed" in response.headers["access-control-expose-headers"]
        assert "Origin" in response.headers["vary"]
