"""Integrators register their event-signing public keys (a JWK, or a JWKS URL the gateway
fetches), list and revoke them; administrators list and revoke anyone's; every key is published
at `/.well-known/integrator-event-keys.json` with its producer, its types and whether it is
revoked. On a real gateway with PostgreSQL and NATS, a real JWKS server, and real staff tokens."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import GatewayFactory
from event_support import REGISTERED, new_key, register, signed
from fastapi import FastAPI, Response
from gateway_support import KeyRing as StaffKeys
from gateway_support import serving
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from test_webhooks import create_integrator, token_for
from test_webhooks import database_url as database_url  # a migrated database of this module's own

from contracts.signing import KeyRing, SigningKey
from devstack.nats import NatsProcess
from devstack.ports import free_port

ONE_UPSTREAM_CLIENT = True  # the integrators' machinery: no upstream on its path (conftest)
TRANSFERRED = "traffic.vehicle.transferred.v1"
ONE = {"Content-Type": "application/cloudevents+json"}


class JwksServer:
    """An integrator's own JWKS endpoint: what it serves can change, or fail."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.status = 200
        self.body: bytes | None = None
        self.hits = 0

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/jwks.json")
        async def jwks() -> Response:
            self.hits += 1
            body = self.body if self.body is not None else json.dumps({"keys": self.keys}).encode()
            return Response(body, status_code=self.status, media_type="application/json")

        return app


def public(key: SigningKey, **more: Any) -> dict[str, Any]:
    jwk = {name: value for name, value in key.public().jwk().items() if name not in ("producer", "types", "revoked")}
    return {**jwk, **more}


@pytest.fixture(scope="module")
def staff_keys() -> StaffKeys:
    return StaffKeys()


@pytest.fixture(scope="module")
def jwks_server() -> JwksServer:
    return JwksServer()


@pytest.fixture(scope="module")
async def jwks_url(jwks_server: JwksServer) -> AsyncIterator[str]:
    async with serving(jwks_server.app()) as url:
        yield f"{url}/jwks.json"


@pytest.fixture(scope="module")
async def client(
    gateway_at: GatewayFactory, database_url: str, nats_server: NatsProcess, staff_keys: StaffKeys
) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(staff_keys.app()) as identity:
        settings: dict[str, Any] = {
            "database_url": database_url,
            "nats_url": nats_server.url,
            "events": True,
            "environment": "test",
            "jwks_url": f"{identity}/.well-known/jwks.json",  # staff tokens (administrators)
            "webhook_allowed_networks": ["127.0.0.0/8"],  # the test's JWKS server (explicitly: never by default)
            "event_keys_refetch_seconds": 0,
            "event_keys_fetch_timeout_seconds": 2,
            "event_keys_max_per_integrator": 3,
            "rate_sensitive_identity": {"count": 50, "seconds": 600},
        }
        async with gateway_at(**settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as c:
            c.headers["Accept-Language"] = "en"
            yield c


@pytest.fixture(scope="module")
async def traffic(database_url: str) -> dict[str, Any]:
    # publish: a type integrators publish, and one they never may: the key gets only the first
    return await create_integrator(
        database_url,
        f"Traffic {secrets.token_hex(3)}",
        f"publish:{REGISTERED}",
        "publish:payment.intent.succeeded.v1",
        "events:notary.poa.revoked.v1",
        source="traffic-authority",
    )


@pytest.fixture(scope="module")
async def auth(client: httpx.AsyncClient, traffic: dict[str, Any]) -> dict[str, str]:
    return await token_for(client, traffic)


async def audit_actions(database_url: str, integrator_id: str) -> list[tuple[str, str]]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT action, actor FROM gateway.integrator_audit WHERE integrator_id = :id ORDER BY at"),
                {"id": integrator_id},
            )
            return [(action, actor) for action, actor in rows]
    finally:
        await engine.dispose()


class TestRegister:
    async def test_a_jwk_is_registered_with_the_integrators_source_and_publishable_types(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], auth: dict[str, str], database_url: str
    ) -> None:
        key = new_key(traffic)
        registered = await register(client, auth, key)
        assert registered["status"] == "active"
        assert registered["jwks_url"] is None
        assert registered["jwk"] == {**key.public().jwk(), "types": [REGISTERED]}  # not payment.*: never published
        assert registered["jwk"]["producer"] == "traffic-authority"
        one = await client.get(f"/v1/event-keys/{key.kid}", headers=auth)
        assert one.json() == registered
        assert ("event_key.registered", f"integrator:{traffic['client_id']}") in await audit_actions(
            database_url, traffic["id"]
        )

    @pytest.mark.parametrize(
        ("change", "field", "code"),
        [
            ({"crv": "X25519"}, "body.jwk.crv", "event_key_not_ed25519"),
            ({"kty": "EC", "crv": "P-256"}, "body.jwk.crv", "event_key_not_ed25519"),
            ({"x": "AAAA"}, "body.jwk.x", "event_key_wrong_size"),
            ({"x": "not base64!"}, "body.jwk.x", "event_key_wrong_size"),
            ({"d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}, "body.jwk.d", "event_key_private_part"),
            ({"kid": ""}, "body.jwk.kid", "event_key_bad_kid"),
            ({"kid": "a b"}, "body.jwk.kid", "event_key_bad_kid"),
            ({"use": "enc"}, "body.jwk.use", "event_key_not_for_signing"),
            ({"producer": "civil-registry"}, "body.jwk.producer", "event_key_wrong_producer"),
        ],
    )
    async def test_a_bad_key_is_refused_naming_the_field(
        self,
        client: httpx.AsyncClient,
        traffic: dict[str, Any],
        auth: dict[str, str],
        change: dict[str, Any],
        field: str,
        code: str,
    ) -> None:
        jwk = public(new_key(traffic), **change)
        response = await client.post("/v1/event-keys", json={"jwk": jwk}, headers=auth)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert (field, code) in [(e["field"], e["code"]) for e in response.json()["errors"]]
        arabic = await client.post("/v1/event-keys", json={"jwk": jwk}, headers={**auth, "Accept-Language": "ar"})
        (found,) = [e for e in arabic.json()["errors"] if e["code"] == code]
        english = next(e for e in response.json()["errors"] if e["code"] == code)
        assert found["reason"] != english["reason"]  # Arabic by the caller's language

    async def test_a_taken_kid_or_key_and_the_limit_are_conflicts(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], auth: dict[str, str]
    ) -> None:
        key = new_key(traffic)
        await register(client, auth, key)
        same_kid = await client.post("/v1/event-keys", json={"jwk": public(new_key(traffic, key.kid))}, headers=auth)
        assert (same_kid.status_code, same_kid.json()["code"]) == (409, "event_key_kid_taken")
        assert key.kid in same_kid.json()["detail"]
        same_key = await client.post("/v1/event-keys", json={"jwk": public(key, kid=key.kid + "-b")}, headers=auth)
        assert (same_key.status_code, same_key.json()["code"]) == (409, "event_key_duplicate")
        mine = (await client.get("/v1/event-keys", params={"status": "active", "limit": 100}, headers=auth)).json()
        for _ in range(3 - len(mine["items"])):
            await register(client, auth, new_key(traffic))
        over = await client.post("/v1/event-keys", json={"jwk": public(new_key(traffic))}, headers=auth)
        assert (over.status_code, over.json()["code"]) == (409, "event_key_limit_reached")
        for item in (await client.get("/v1/event-keys", params={"limit": 100}, headers=auth)).json()["items"]:
            await client.post(f"/v1/event-keys/{item['kid']}/revoke", json={"reason": "test cleanup"}, headers=auth)

    async def test_one_of_jwk_or_url_and_only_for_publishers(
        self, client: httpx.AsyncClient, auth: dict[str, str], traffic: dict[str, Any], database_url: str
    ) -> None:
        jwk = public(new_key(traffic))
        both = await client.post("/v1/event-keys", json={"jwk": jwk, "jwks_url": "https://x.example/j"}, headers=auth)
        assert (both.status_code, both.json()["errors"][0]["code"]) == (422, "jwk_or_jwks_url")
        neither = await client.post("/v1/event-keys", json={}, headers=auth)
        assert neither.status_code == 422
        bank = await create_integrator(database_url, f"Bank {secrets.token_hex(3)}", "events:notary.poa.revoked.v1")
        refused = await client.post(
            "/v1/event-keys", json={"jwk": public(new_key(bank))}, headers=await token_for(client, bank)
        )
        assert (refused.status_code, refused.json()["code"]) == (403, "event_key_no_publish_scope")
        assert (await client.post("/v1/event-keys", json={"jwk": jwk})).status_code == 401


class TestJwksUrl:
    async def test_keys_come_from_the_url_new_ones_on_first_use_and_gone_ones_retire(
        self,
        client: httpx.AsyncClient,
        database_url: str,
        jwks_server: JwksServer,
        jwks_url: str,
    ) -> None:
        ministry = await create_integrator(
            database_url, f"Traffic URL {secrets.token_hex(3)}", f"publish:{REGISTERED}", source="traffic-by-url"
        )
        auth = await token_for(client, ministry)
        first, second = new_key(ministry), new_key(ministry)
        jwks_server.keys = [public(first)]
        response = await client.post("/v1/event-keys", json={"jwks_url": jwks_url}, headers=auth)
        assert response.status_code == 201, response.text
        assert [(k["kid"], k["jwks_url"]) for k in response.json()["items"]] == [(first.kid, jwks_url)]
        ok = await client.post("/v1/events", content=_json(signed(first)), headers={**auth, **ONE})
        assert ok.status_code == 202, ok.text
        # rotation: the ministry publishes a second key and drops the first; no call to the platform
        jwks_server.keys = [public(second)]
        rotated = await client.post("/v1/events", content=_json(signed(second)), headers={**auth, **ONE})
        assert rotated.status_code == 202, rotated.text  # fetched again for the unknown kid
        states = {k["kid"]: k["status"] for k in (await client.get("/v1/event-keys", headers=auth)).json()["items"]}
        assert states == {first.kid: "retired", second.kid: "active"}
        old = await client.post("/v1/events", content=_json(signed(first)), headers={**auth, **ONE})
        assert (old.status_code, old.json()["reason"]) == (403, "revoked-key")
        published = (await client.get("/.well-known/integrator-event-keys.json")).json()
        retired = next(k for k in published["keys"] if k["kid"] == first.kid)
        assert retired["revoked"] is False  # what it signed before keeps verifying
        # the ministry marks it revoked in its JWKS: published as revoked at the next fetch
        jwks_server.keys = [public(second), public(first, revoked=True)]
        again = await client.post("/v1/event-keys", json={"jwks_url": jwks_url}, headers=auth)
        assert again.status_code == 201, again.text
        published = (await client.get("/.well-known/integrator-event-keys.json")).json()
        assert next(k for k in published["keys"] if k["kid"] == first.kid)["revoked"] is True

    @pytest.mark.parametrize(
        ("status", "body", "code"),
        [
            (404, None, "jwks_unreachable"),
            (200, b"<html>keys</html>", "jwks_invalid"),
            (200, b'{"no": "keys"}', "jwks_invalid"),
        ],
    )
    async def test_a_url_without_a_jwks_is_refused(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        jwks_server: JwksServer,
        jwks_url: str,
        status: int,
        body: bytes | None,
        code: str,
    ) -> None:
        jwks_server.status, jwks_server.body = status, body
        try:
            response = await client.post("/v1/event-keys", json={"jwks_url": jwks_url}, headers=auth)
        finally:
            jwks_server.status, jwks_server.body = 200, None
        assert response.status_code == 422, response.text
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("body.jwks_url", code)]

    async def test_an_unreachable_url_or_one_inside_the_platform_is_refused(
        self, client: httpx.AsyncClient, auth: dict[str, str]
    ) -> None:
        dead = f"http://127.0.0.1:{free_port()}/jwks.json"
        inside = "http://169.254.169.254/latest/meta-data/jwks.json"
        for url, code in ((dead, "jwks_unreachable"), (inside, "address_not_allowed")):
            response = await client.post("/v1/event-keys", json={"jwks_url": url}, headers=auth)
            assert response.status_code == 422, response.text
            assert response.json()["errors"][0]["code"] == code


class TestListAndRevoke:
    async def test_the_list_is_paginated_and_revocation_is_published_and_audited(
        self, client: httpx.AsyncClient, database_url: str
    ) -> None:
        ministry = await create_integrator(
            database_url, f"Civil {secrets.token_hex(3)}", "publish:civil.birth.registered.v1", source="civil-registry"
        )
        auth = await token_for(client, ministry)
        keys = [new_key(ministry) for _ in range(3)]
        for key in keys:
            await register(client, auth, key)
        first = (await client.get("/v1/event-keys", params={"limit": 2}, headers=auth)).json()
        assert [k["kid"] for k in first["items"]] == [keys[0].kid, keys[1].kid]
        rest = await client.get("/v1/event-keys", params={"limit": 2, "cursor": first["next_cursor"]}, headers=auth)
        assert [k["kid"] for k in rest.json()["items"]] == [keys[2].kid]
        assert rest.json()["next_cursor"] is None
        revoked = await client.post(f"/v1/event-keys/{keys[0].kid}/revoke", json={"reason": "retired"}, headers=auth)
        assert (revoked.status_code, revoked.json()["status"]) == (200, "revoked")
        assert revoked.json()["jwk"]["revoked"] is True
        trusted = KeyRing.from_jwks((await client.get("/.well-known/integrator-event-keys.json")).json())
        assert trusted.keys[keys[0].kid].revoked
        assert not trusted.keys[keys[1].kid].revoked
        assert trusted.keys[keys[1].kid].producer == "civil-registry"
        assert trusted.keys[keys[1].kid].types == ("civil.birth.registered.v1",)
        only = (await client.get("/v1/event-keys", params={"status": "revoked"}, headers=auth)).json()["items"]
        assert [k["kid"] for k in only] == [keys[0].kid]
        actions = await audit_actions(database_url, ministry["id"])
        assert ("event_key.revoked", f"integrator:{ministry['client_id']}") in actions

    async def test_another_integrators_key_is_not_found(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], auth: dict[str, str], database_url: str
    ) -> None:
        key = new_key(traffic)
        await register(client, auth, key)
        other = await create_integrator(database_url, f"Other {secrets.token_hex(3)}", f"publish:{REGISTERED}")
        theirs = await token_for(client, other)
        assert (await client.get(f"/v1/event-keys/{key.kid}", headers=theirs)).status_code == 404
        stolen = await client.post(f"/v1/event-keys/{key.kid}/revoke", json={"reason": "x"}, headers=theirs)
        assert (stolen.status_code, stolen.json()["code"]) == (404, "event_key_not_found")
        assert (await client.get(f"/v1/event-keys/{key.kid}", headers=auth)).json()["status"] == "active"
        await client.post(f"/v1/event-keys/{key.kid}/revoke", json={"reason": "test cleanup"}, headers=auth)

    async def test_an_administrator_lists_and_revokes_any_key(
        self,
        client: httpx.AsyncClient,
        traffic: dict[str, Any],
        auth: dict[str, str],
        staff_keys: StaffKeys,
        database_url: str,
    ) -> None:
        key = new_key(traffic)
        await register(client, auth, key)
        admin = {"Authorization": "Bearer " + staff_keys.token("admin-1", typ="staff", roles=["admin"])}
        clerk = {"Authorization": "Bearer " + staff_keys.token("clerk-1", typ="staff", roles=["notary_clerk"])}
        listed = await client.get(
            "/v1/integrator-event-keys", params={"client_id": traffic["client_id"]}, headers=admin
        )
        assert listed.status_code == 200, listed.text
        mine = next(k for k in listed.json()["items"] if k["kid"] == key.kid)
        assert (mine["client_id"], mine["integrator_name"]) == (traffic["client_id"], traffic["name"])
        assert (await client.get("/v1/integrator-event-keys", headers=clerk)).status_code == 403
        assert (await client.get("/v1/integrator-event-keys", headers=auth)).status_code == 403  # not staff
        body = {"reason": "the ministry reported the key stolen"}
        assert (
            await client.post(f"/v1/integrator-event-keys/{key.kid}/revoke", json=body, headers=clerk)
        ).status_code == 403
        revoked = await client.post(f"/v1/integrator-event-keys/{key.kid}/revoke", json=body, headers=admin)
        assert revoked.status_code == 200, revoked.text
        assert (revoked.json()["status"], revoked.json()["revoked_by"]) == ("revoked", "staff:admin-1")
        refused = await client.post("/v1/events", content=_json(signed(key)), headers={**auth, **ONE})
        assert (refused.status_code, refused.json()["reason"]) == (403, "revoked-key")
        assert ("event_key.revoked", "staff:admin-1") in await audit_actions(database_url, traffic["id"])


def _json(event: dict[str, Any]) -> str:
    return json.dumps(event)
