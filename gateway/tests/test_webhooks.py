"""Integrators end to end on real PostgreSQL, NATS and a real receiver: the CLI, OAuth2 client
credentials, scoped subscriptions, signed deliveries that survive a failing receiver, the
delivery log, replay, and disabling an endpoint that keeps failing."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
import nats
import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_structured
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from conftest import GatewayFactory
from gateway_support import serving
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from webhook_support import Receiver, reference_verify

from contracts import Envelope
from contracts.events.civil import AddressChanged, DeathRegistered
from contracts.events.notary import PoaRevoked
from devstack.nats import NatsProcess
from devstack.ports import free_port
from devstack.postgres import PostgresProcess
from gateway.integrators.service import check_scopes, check_source
from gateway.webhooks import signing
from kit import metrics
from kit.migrations import upgrade_async
from kit.sealing import Sealer
from kit.testing import eventually, signed

ONE_UPSTREAM_CLIENT = True  # the integrators' machinery: no upstream on its path (conftest)
GATEWAY_DIR = Path(__file__).resolve().parents[1]
DIED, REVOKED, MOVED = DeathRegistered.subject, PoaRevoked.subject, AddressChanged.subject


@pytest.fixture(scope="module")
async def database_url(pg_server: PostgresProcess) -> AsyncIterator[str]:
    name = f"gateway_{secrets.token_hex(6)}"
    pg_server.create_database(name)
    url = pg_server.dsn(name, driver="postgresql+asyncpg")
    await upgrade_async(GATEWAY_DIR, url)
    yield url
    if pg_server.running:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
async def client(
    gateway_at: GatewayFactory, database_url: str, nats_server: NatsProcess
) -> AsyncIterator[httpx.AsyncClient]:
    settings: dict[str, Any] = {
        "database_url": database_url,
        "nats_url": nats_server.url,
        "events": True,
        "environment": "test",
        "webhook_allowed_networks": ["127.0.0.0/8"],  # the test receivers (explicitly: never by default)
        "webhook_retry_base_seconds": 0.1,
        "webhook_retry_max_seconds": 0.4,
        "webhook_poll_seconds": 0.1,
        "webhook_disable_min_failures": 6,
        "webhook_disable_after_seconds": 0,
        "rate_sensitive_identity": {"count": 50, "seconds": 600},  # tokens per client (10 by default)
        "policies": {"/v1/documents": "integrator:events:" + REVOKED},  # an integrator route at the edge
    }
    async with gateway_at(**settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as c:
        c.headers["Accept-Language"] = "en"
        yield c


async def create_integrator(database_url: str, name: str, *scopes: str, source: str | None = None) -> dict[str, Any]:
    """With the operators' CLI, as a ministry would be registered (`source`: its events' source)."""
    args = [arg for scope in scopes for arg in ("--scope", scope)] + (["--source", source] if source else [])
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway.integrators", "create", "--name", name, *args,
        env={**os.environ, "GATEWAY_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return json.loads(out)


async def token_for(client: httpx.AsyncClient, account: dict[str, Any]) -> dict[str, str]:
    response = await client.post(
        "/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(account["client_id"], account["client_secret"]),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
async def bank(database_url: str) -> dict[str, Any]:
    return await create_integrator(database_url, "Bank Misr", f"events:{DIED}", f"events:{REVOKED}")


@dataclass(frozen=True)
class Published:
    id: uuid.UUID
    stream: str
    seq: int


async def published(nats_url: str, *events: Any) -> list[Published]:
    """As its producer's relay would: the envelope on its subject, signed, Nats-Msg-Id = event id;
    where the stream stored each."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    stored = []
    for event in events:
        # signed by its producer: notary-svc's own facts, the civil registry's (an integrator's)
        envelope = Envelope.wrap(
            event, source="notary-svc" if event.subject.startswith("notary.") else "civil-registry"
        )
        ack = await js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
        stored.append(Published(envelope.id, ack.stream, ack.seq))
    await nc.close()
    return stored


async def publish(nats_url: str, *events: Any) -> list[str]:
    """`published`, the event ids."""
    return [str(p.id) for p in await published(nats_url, *events)]


def died(governorate: str) -> DeathRegistered:
    return DeathRegistered(
        national_id="2900101" + f"{governorate}{secrets.randbelow(100_000):05d}",
        date_of_death=datetime.now(UTC).date(),
        governorate=governorate,
        registered_at=datetime.now(UTC),
    )


class TestSealedAtRest:
    async def test_signing_keys_and_webhook_secrets_are_stored_sealed(
        self, client: httpx.AsyncClient, bank: dict[str, Any], database_url: str
    ) -> None:
        auth = await token_for(client, bank)  # the first token creates the first signing key
        body = {"url": "http://127.0.0.1:9/hook", "event_types": [REVOKED]}
        created = await client.post("/v1/webhooks", json=body, headers=auth)
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as conn:
                stored = await conn.scalar(
                    text("SELECT secret FROM gateway.webhook_subscriptions WHERE id = :id"),
                    {"id": created.json()["id"]},
                )
                keys = (await conn.execute(text("SELECT kid, private_key FROM gateway.integrator_signing_keys"))).all()
        finally:
            await engine.dispose()
        assert stored.startswith("sealed:v1:")
        assert secret not in stored
        assert Sealer("dev-only-gateway-secrets-key").open_text(stored, context=created.json()["id"]) == secret
        assert keys
        assert all(len(private) > 32 for _, private in keys)  # not the raw 32-byte key


class TestGrants:
    def test_only_event_types_shared_with_integrators_can_be_granted(self) -> None:
        assert check_scopes([f"events:{DIED}", f"events:{REVOKED}", "ration.import"])
        for internal in ("identity.citizen.enrolled.v1", "payment.intent.succeeded.v1", "notary.poa.drafted.v1"):
            with pytest.raises(ValueError, match="not shared with integrators"):
                check_scopes([f"events:{internal}"])

    def test_an_integrator_publishes_under_a_name_of_its_own_never_a_services(self) -> None:
        assert check_source(" traffic-authority ") == "traffic-authority"
        with pytest.raises(ValueError, match="not a valid event source"):
            check_source("Traffic Authority")
        for service in ("ration-svc", "payment-svc", "gateway", "evidence-svc"):
            with pytest.raises(ValueError, match="a platform service's name"):
                check_source(service)


class TestToken:
    async def test_basic_and_form_credentials_give_a_signed_integrator_token(
        self, client: httpx.AsyncClient, bank: dict[str, Any]
    ) -> None:
        assert bank["client_secret"]
        assert bank["scopes"] == [f"events:{DIED}", f"events:{REVOKED}"]
        form = {"grant_type": "client_credentials", "client_id": bank["client_id"]}
        response = await client.post("/v1/oauth/token", data={**form, "client_secret": bank["client_secret"]})
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["scope"] == f"events:{DIED} events:{REVOKED}"
        jwks = (await client.get("/.well-known/integrator-jwks.json")).json()
        kid = jwt.get_unverified_header(body["access_token"])["kid"]
        key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
        claims = jwt.decode(body["access_token"], key.key, algorithms=["EdDSA"], audience="shubbak")
        assert claims["typ"] == "integrator"
        assert claims["iss"] == "shubbak-gateway"
        assert claims["sub"] == bank["id"]
        assert "private" not in json.dumps(jwks)
        assert "d" not in jwks["keys"][0]

    async def test_a_subset_of_scopes_can_be_asked_for(self, client: httpx.AsyncClient, bank: dict[str, Any]) -> None:
        auth = (bank["client_id"], bank["client_secret"])
        data = {"grant_type": "client_credentials", "scope": f"events:{REVOKED}"}
        response = await client.post("/v1/oauth/token", data=data, auth=auth)
        assert response.json()["scope"] == f"events:{REVOKED}"
        data["scope"] = "events:notary.poa.issued.v1"
        refused = await client.post("/v1/oauth/token", data=data, auth=auth)
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_scope"

    @pytest.mark.parametrize(
        ("data", "auth", "status", "error"),
        [
            ({"grant_type": "client_credentials"}, ("nobody", "x"), 401, "invalid_client"),
            ({"grant_type": "password"}, None, 400, "unsupported_grant_type"),
            ({"grant_type": "client_credentials"}, None, 401, "invalid_client"),
        ],
    )
    async def test_refusals_are_oauth_errors_in_problem_json(
        self, client: httpx.AsyncClient, data: dict[str, str], auth: Any, status: int, error: str
    ) -> None:
        response = await client.post("/v1/oauth/token", data=data, auth=auth)
        assert response.status_code == status
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["error"] == error

    async def test_a_wrong_secret_is_refused(self, client: httpx.AsyncClient, bank: dict[str, Any]) -> None:
        response = await client.post(
            "/v1/oauth/token", data={"grant_type": "client_credentials"}, auth=(bank["client_id"], "wrong")
        )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"


class TestEdge:
    async def test_integrator_tokens_pass_the_edge_policy(
        self, client: httpx.AsyncClient, bank: dict[str, Any]
    ) -> None:
        auth = await token_for(client, bank)
        assert (await client.get("/v1/documents/7", headers=auth)).status_code == 200
        assert (await client.get("/v1/documents/7")).status_code == 401
        other = (
            await client.post(
                "/v1/oauth/token",
                data={"grant_type": "client_credentials", "scope": f"events:{DIED}"},
                auth=(bank["client_id"], bank["client_secret"]),
            )
        ).json()["access_token"]
        narrow = {"Authorization": f"Bearer {other}"}
        assert (await client.get("/v1/documents/7", headers=narrow)).status_code == 403
        forged = auth["Authorization"][:-4] + "AAAA"
        assert (await client.get("/v1/documents/7", headers={"Authorization": forged})).status_code == 401


class TestScopes:
    async def test_an_event_type_outside_the_scopes_is_403(
        self, client: httpx.AsyncClient, bank: dict[str, Any]
    ) -> None:
        auth = await token_for(client, bank)
        body = {"url": "http://127.0.0.1:9/hook", "event_types": [REVOKED, "notary.poa.issued.v1"]}
        response = await client.post("/v1/webhooks", json=body, headers=auth)
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "event_type_not_in_scope"
        assert response.json()["event_types"] == ["notary.poa.issued.v1"]

    async def test_citizen_and_anonymous_callers_cannot_subscribe(self, client: httpx.AsyncClient) -> None:
        body = {"url": "http://127.0.0.1:9/hook", "event_types": [REVOKED]}
        assert (await client.post("/v1/webhooks", json=body)).status_code == 401

    async def test_unknown_types_and_filter_fields_are_422(
        self, client: httpx.AsyncClient, bank: dict[str, Any]
    ) -> None:
        auth = await token_for(client, bank)
        unknown = {"url": "http://127.0.0.1:9/hook", "event_types": ["notary.poa.eaten.v1"]}
        assert (await client.post("/v1/webhooks", json=unknown, headers=auth)).status_code == 422
        field = {"url": "http://127.0.0.1:9/hook", "event_types": [REVOKED], "filter": {"governorate": "03"}}
        response = await client.post("/v1/webhooks", json=field, headers=auth)  # revoked has no governorate
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "unknown_filter_field"


def passed_over() -> float:
    return metrics.EVENTS_PASSED_OVER.labels(consumer="gateway")._value.get()


def moved(line: str) -> AddressChanged:
    return AddressChanged(
        national_id="2900101" + f"03{secrets.randbelow(100_000):05d}",
        governorate="03",
        district_ar="حي الشرق",
        address_ar=line,
        changed_at=datetime.now(UTC),
    )


def acked_past(nats_url: str, published: Published) -> Any:
    async def check() -> bool:
        nc = await nats.connect(nats_url)
        try:
            info = await nc.jetstream().consumer_info(published.stream, "gateway")
        finally:
            await nc.close()
        return info.ack_floor.stream_seq >= published.seq

    return check


async def inbox_rows(database_url: str, event_id: uuid.UUID) -> int:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            query = text("SELECT count(*) FROM gateway.inbox WHERE event_id = :id")
            return int((await conn.execute(query, {"id": event_id})).scalar_one())
    finally:
        await engine.dispose()


class TestDelivery:
    async def test_a_failing_receiver_gets_every_matching_event_signed(
        self, client: httpx.AsyncClient, bank: dict[str, Any], nats_server: NatsProcess
    ) -> None:
        receiver = Receiver(fail_first=3)
        async with serving(receiver.app()) as receiver_url:
            auth = await token_for(client, bank)
            body = {"url": f"{receiver_url}/hook", "event_types": [DIED], "filter": {"governorate": ["03", "01"]}}
            created = await client.post("/v1/webhooks", json=body, headers=auth)
            assert created.status_code == 201, created.text
            subscription = created.json()
            assert subscription["secret"].startswith("whsec_")
            wanted = await publish(nats_server.url, died("03"), died("04"), died("01"), died("03"), died("03"))
            matching = {wanted[0], wanted[2], wanted[3], wanted[4]}

            async def all_delivered() -> bool:
                return set(receiver.accepted_ids()) >= matching

            await eventually(all_delivered, "every matching event delivered")
            log_url = f"/v1/webhooks/{subscription['id']}/deliveries"

            async def logged() -> list[dict[str, Any]]:
                items = (await client.get(log_url, headers=auth)).json()["items"]
                return items if all(d["status"] == "delivered" for d in items) else []

            log = await eventually(logged, "the log to show them delivered")
        assert receiver.ids() == matching  # nothing lost, nothing extra (only retries of the same ids)
        assert sum(status == 500 for _, _, status in receiver.received) == 3
        assert {d["event_id"] for d in log} == matching
        assert sum(d["attempts"] for d in log) == len(receiver.received)
        for headers, raw, _ in receiver.received:
            assert reference_verify(subscription["secret"], headers, raw)
            assert json.loads(raw)["id"] == headers["webhook-id"]
        forged = {**receiver.received[0][0], "webhook-timestamp": "1"}
        assert not reference_verify(subscription["secret"], forged, receiver.received[0][1])

    async def test_an_event_of_a_type_nobody_subscribed_to_is_passed_over_and_delivered_once_subscribed(
        self, client: httpx.AsyncClient, database_url: str, nats_server: NatsProcess
    ) -> None:
        """No transaction and no inbox row for what no subscription names (most of the platform's
        events); once a subscription names the type, its events are handled and delivered."""
        post_office = await create_integrator(database_url, f"Post office {uuid.uuid4().hex[:6]}", f"events:{MOVED}")
        passed_before = passed_over()
        (unwanted,) = await published(nats_server.url, moved("before"))
        await eventually(acked_past(nats_server.url, unwanted), "the gateway to acknowledge it")
        assert passed_over() > passed_before
        assert await inbox_rows(database_url, unwanted.id) == 0

        receiver = Receiver()
        async with serving(receiver.app()) as receiver_url:
            auth = await token_for(client, post_office)
            body = {"url": f"{receiver_url}/hook", "event_types": [MOVED]}
            assert (await client.post("/v1/webhooks", json=body, headers=auth)).status_code == 201
            (wanted,) = await published(nats_server.url, moved("after"))

            async def delivered() -> bool:
                return str(wanted.id) in receiver.accepted_ids()

            await eventually(delivered, "the subscribed type's event delivered")
        assert str(unwanted.id) not in receiver.ids()  # a subscription gets what comes after it
        assert await inbox_rows(database_url, wanted.id) == 1

    async def test_replay_sends_the_same_id_again(
        self, client: httpx.AsyncClient, bank: dict[str, Any], nats_server: NatsProcess
    ) -> None:
        receiver = Receiver()
        async with serving(receiver.app()) as receiver_url:
            auth = await token_for(client, bank)
            body = {"url": f"{receiver_url}/hook", "event_types": [REVOKED]}
            subscription = (await client.post("/v1/webhooks", json=body, headers=auth)).json()
            revoked = PoaRevoked(
                poa_id=uuid.uuid4(), principal_national_id="29001011234567", revoked_at=datetime.now(UTC)
            )
            [event_id] = await publish(nats_server.url, revoked)

            async def delivered() -> bool:
                return receiver.accepted_ids() == [event_id]

            await eventually(delivered, "the first delivery")
            log_url = f"/v1/webhooks/{subscription['id']}/deliveries"
            delivery = (await client.get(log_url, headers=auth)).json()["items"][0]
            replayed = await client.post(f"{log_url}/{delivery['id']}/replay", headers=auth)
            assert replayed.status_code == 202, replayed.text

            async def twice() -> bool:
                return receiver.accepted_ids() == [event_id, event_id]

            await eventually(twice, "the replay")

    async def test_another_integrator_sees_no_subscription_of_mine(
        self, client: httpx.AsyncClient, bank: dict[str, Any], database_url: str
    ) -> None:
        auth = await token_for(client, bank)
        body = {"url": "http://127.0.0.1:9/hook", "event_types": [REVOKED]}
        mine = (await client.post("/v1/webhooks", json=body, headers=auth)).json()
        other = await create_integrator(database_url, "Registry", f"events:{REVOKED}")
        theirs = await token_for(client, other)
        for path in (f"/v1/webhooks/{mine['id']}", f"/v1/webhooks/{mine['id']}/deliveries"):
            assert (await client.get(path, headers=theirs)).status_code == 404
        assert (await client.delete(f"/v1/webhooks/{mine['id']}", headers=theirs)).status_code == 404
        listed = (await client.get("/v1/webhooks", headers=theirs)).json()
        assert listed["items"] == []


class TestDisabling:
    async def test_an_endpoint_that_keeps_failing_is_disabled_and_resumes_when_enabled(
        self, client: httpx.AsyncClient, bank: dict[str, Any], nats_server: NatsProcess
    ) -> None:
        receiver = Receiver(down=True)
        async with serving(receiver.app()) as receiver_url:
            auth = await token_for(client, bank)
            body = {"url": f"{receiver_url}/hook", "event_types": [DIED], "filter": {"governorate": "27"}}
            subscription = (await client.post("/v1/webhooks", json=body, headers=auth)).json()
            url = f"/v1/webhooks/{subscription['id']}"
            [first] = await publish(nats_server.url, died("27"))

            async def disabled() -> dict[str, Any] | None:
                found = (await client.get(url, headers=auth)).json()
                return found if found["status"] == "disabled" else None

            found = await eventually(disabled, "the endpoint disabled")
            assert "6 failures in a row" in found["disabled_reason"]
            [second] = await publish(nats_server.url, died("27"))

            async def held() -> bool:
                items = (await client.get(f"{url}/deliveries", headers=auth)).json()["items"]
                return {d["event_id"]: d["status"] for d in items}.get(second) == "held"

            await eventually(held, "the next event held while disabled")
            assert (await client.post(f"{url}/deliveries/{uuid.uuid4()}/replay", headers=auth)).status_code == 404
            receiver.down = False
            enabled = await client.patch(url, json={"status": "active"}, headers=auth)
            assert enabled.status_code == 200
            assert enabled.json()["disabled_reason"] is None

            async def both() -> bool:
                return set(receiver.accepted_ids()) == {first, second}

            await eventually(both, "held and failed-over deliveries sent after re-enabling")


class TestServerSideRequestForgery:
    @pytest.mark.parametrize(
        ("url", "code"),
        [
            ("http://127.0.0.1:5432/", "address_not_allowed"),
            ("http://2130706433:8001/", "address_not_allowed"),  # 127.0.0.1 spelt as a number
            ("http://[::1]:8003/", "address_not_allowed"),
            ("http://[::ffff:127.0.0.1]/", "address_not_allowed"),
            ("http://169.254.169.254/latest/meta-data/", "address_not_allowed"),
            ("http://10.96.0.10/", "address_not_allowed"),
            ("http://192.168.1.1/", "address_not_allowed"),
            ("http://100.64.0.1/", "address_not_allowed"),
            ("http://[fd00::1]/", "address_not_allowed"),
            ("http://[fe80::1]/", "address_not_allowed"),
            ("http://224.0.0.1/", "address_not_allowed"),
            ("http://0.0.0.0:8000/", "address_not_allowed"),
            ("http://notary:8003/v1/documents", "host_not_allowed"),
            ("http://localhost:8000/", "host_not_allowed"),
            ("http://payment-db-rw.shubbak.svc.cluster.local:5432/", "host_not_allowed"),
            ("http://metadata.google.internal/", "host_not_allowed"),
        ],
    )
    async def test_subscribing_to_the_platforms_own_network_is_refused(
        self, gateway_at: GatewayFactory, client: httpx.AsyncClient, bank: dict[str, Any], database_url: str,
        url: str, code: str,
    ) -> None:  # fmt: skip
        auth = await token_for(client, bank)
        # A gateway as deployed: no network opened on purpose (the module's opens loopback for its receivers).
        async with (
            gateway_at(database_url=database_url, environment="test") as strict_url,
            httpx.AsyncClient(base_url=strict_url, headers={"Accept-Language": "en"}) as strict,
        ):
            created = await strict.post("/v1/webhooks", json={"url": url, "event_types": [REVOKED]}, headers=auth)
            assert created.status_code == 422, created.text
            [error] = created.json()["errors"]
            assert (error["field"], error["code"]) == ("body.url", code)
            fine = await strict.post(
                "/v1/webhooks", json={"url": "http://93.184.215.14/hook", "event_types": [REVOKED]}, headers=auth
            )
            assert fine.status_code == 201, fine.text
            moved = await strict.patch(f"/v1/webhooks/{fine.json()['id']}", json={"url": url}, headers=auth)
            assert moved.status_code == 422
            assert moved.json()["errors"][0]["code"] == code
            assert (await strict.delete(f"/v1/webhooks/{fine.json()['id']}", headers=auth)).status_code == 204

    async def test_delivery_checks_the_target_again_and_the_log_never_echoes_what_answered(
        self, client: httpx.AsyncClient, bank: dict[str, Any], nats_server: NatsProcess, database_url: str
    ) -> None:
        receiver = Receiver(down=True, answer=b"FATAL: password authentication failed for user postgres")
        async with serving(receiver.app()) as receiver_url:
            auth = await token_for(client, bank)
            urls = {
                "answering": f"{receiver_url}/hook",
                "refusing": f"http://127.0.0.1:{free_port()}/hook",
                "rebound": f"{receiver_url}/hook",  # points elsewhere by the time it is delivered
            }
            ids = {}
            for name, url in urls.items():
                body = {"url": url, "event_types": [DIED], "filter": {"governorate": "26"}}
                created = await client.post("/v1/webhooks", json=body, headers=auth)
                assert created.status_code == 201, created.text
                ids[name] = created.json()["id"]
            engine = create_async_engine(database_url)
            async with engine.begin() as conn:  # as if its name now resolved to the metadata endpoint
                await conn.execute(
                    text("UPDATE gateway.webhook_subscriptions SET url = :url WHERE id = :id"),
                    {"url": "http://169.254.169.254/latest/meta-data/", "id": ids["rebound"]},
                )
            await engine.dispose()
            await publish(nats_server.url, died("26"))

            async def attempted() -> dict[str, dict[str, Any]] | None:
                found = {}
                for name, subscription_id in ids.items():
                    items = (await client.get(f"/v1/webhooks/{subscription_id}/deliveries", headers=auth)).json()
                    attempts = [d for d in items["items"] if d["attempts"] > 0]
                    if not attempts:
                        return None
                    found[name] = attempts[0]
                return found

            log = await eventually(attempted, "an attempt at each endpoint")
            responses = [(await client.get(f"/v1/webhooks/{i}/deliveries", headers=auth)).text for i in ids.values()]
        assert (log["answering"]["last_status"], log["answering"]["last_error"]) == (500, "unexpected_status")
        assert (log["refusing"]["last_status"], log["refusing"]["last_error"]) == (None, "connection_failed")
        assert (log["rebound"]["last_status"], log["rebound"]["last_error"]) == (None, "address_not_allowed")
        assert len(receiver.received) >= 1  # the answering one was called; the rebound one never
        for text_ in responses:
            assert "password" not in text_
            assert "Error" not in text_  # no exception names (ClientConnectorError, ...)


# -- CloudEvents deliveries, secret rotation, the example receiver (issue 14) ---------------------

EXAMPLE_RECEIVER = GATEWAY_DIR.parent / "contracts" / "examples" / "webhook_receiver.py"


async def subscribed(client: httpx.AsyncClient, auth: dict[str, str], url: str) -> dict[str, Any]:
    created = await client.post("/v1/webhooks", json={"url": url, "event_types": [DIED]}, headers=auth)
    assert created.status_code == 201, created.text
    found: dict[str, Any] = created.json()
    return found


class TestCloudEventDeliveries:
    async def test_a_delivery_is_a_cloudevent_the_sdk_and_standardwebhooks_accept(
        self, client: httpx.AsyncClient, bank: dict[str, Any], nats_server: NatsProcess
    ) -> None:
        receiver = Receiver()
        async with serving(receiver.app()) as receiver_url:
            subscription = await subscribed(client, await token_for(client, bank), f"{receiver_url}/hook")
            (event_id,) = await publish(nats_server.url, died("05"))

            async def delivered() -> bool:
                return event_id in receiver.accepted_ids()

            await eventually(delivered, "the delivery")
        headers, body, _ = next(r for r in receiver.received if r[0]["webhook-id"] == event_id)
        assert headers["content-type"] == "application/cloudevents+json"
        event = from_structured(HTTPMessage(headers=headers, body=body), JSONFormat(), CloudEvent)
        assert (event.get_id(), event.get_type()) == (event_id, DIED)
        assert event.get_extension("dataversion") == 1
        assert Webhook(subscription["secret"]).verify(body, headers) == json.loads(body)
        with pytest.raises(WebhookVerificationError):
            Webhook(subscription["secret"]).verify(body.replace(b'"05"', b'"06"'), headers)

    async def test_a_rotated_secret_signs_beside_the_old_one_until_the_overlap_ends(
        self, client: httpx.AsyncClient, bank: dict[str, Any], nats_server: NatsProcess, database_url: str
    ) -> None:
        receiver = Receiver()
        async with serving(receiver.app()) as receiver_url:
            auth = await token_for(client, bank)
            subscription = await subscribed(client, auth, f"{receiver_url}/hook")
            old = subscription["secret"]
            rotations = f"/v1/webhooks/{subscription['id']}/secret-rotations"
            rotated = await client.post(rotations, json={"overlap_seconds": 3600}, headers=auth)
            assert rotated.status_code == 201, rotated.text
            new = rotated.json()["secret"]
            assert new.startswith("whsec_")
            assert new != old
            assert rotated.json()["previous_secret_valid_until"]
            (during,) = await publish(nats_server.url, died("07"))
            await eventually(_delivered(receiver, during), "a delivery during the overlap")
            ended = await client.post(rotations, json={"overlap_seconds": 0}, headers=auth)
            newest = ended.json()["secret"]
            assert ended.json()["previous_secret_valid_until"] is None
            (after,) = await publish(nats_server.url, died("07"))
            await eventually(_delivered(receiver, after), "a delivery after it")
            stranger = await create_integrator(database_url, f"Other {secrets.token_hex(3)}", f"events:{DIED}")
            other = await token_for(client, stranger)
            assert (await client.post(rotations, headers=other)).status_code == 404  # not theirs
        headers, body, _ = next(r for r in receiver.received if r[0]["webhook-id"] == during)
        assert len(headers["webhook-signature"].split(" ")) == 2  # "v1,<old> v1,<new>"
        assert Webhook(old).verify(body, headers)
        assert Webhook(new).verify(body, headers)
        headers, body, _ = next(r for r in receiver.received if r[0]["webhook-id"] == after)
        assert len(headers["webhook-signature"].split(" ")) == 1
        assert Webhook(newest).verify(body, headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(new).verify(body, headers)

    async def test_the_example_receiver_verifies_a_real_delivery_and_rejects_a_tampered_one(
        self, client: httpx.AsyncClient, bank: dict[str, Any], nats_server: NatsProcess
    ) -> None:
        port = free_port()
        auth = await token_for(client, bank)
        subscription = await subscribed(client, auth, f"http://127.0.0.1:{port}/hook")
        example = await asyncio.create_subprocess_exec(
            sys.executable, str(EXAMPLE_RECEIVER), "--port", str(port),
            env={**os.environ, "SHUBBAK_WEBHOOK_SECRET": subscription["secret"]},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            assert example.stdout is not None
            listening = json.loads(await asyncio.wait_for(example.stdout.readline(), 30))
            assert listening["listening"].endswith(f":{port}/hook")
            (event_id,) = await publish(nats_server.url, died("08"))
            line = json.loads(await asyncio.wait_for(example.stdout.readline(), 60))
            assert (line["id"], line["type"], line["model"]) == (event_id, DIED, "DeathRegistered")
            assert line["data"]["governorate"] == "08"
            log = (await client.get(f"/v1/webhooks/{subscription['id']}/deliveries", headers=auth)).json()["items"]
            assert any(d["event_id"] == event_id for d in log)

            async def delivered() -> bool:
                items = (await client.get(f"/v1/webhooks/{subscription['id']}/deliveries", headers=auth)).json()
                return any(d["event_id"] == event_id and d["status"] == "delivered" for d in items["items"])

            await eventually(delivered, "the gateway to log the example's 204")
            # the same delivery, its body changed by someone on the way: refused, never parsed
            signed = signing.headers([subscription["secret"]], event_id, int(time.time()), b'{"id": "x"}')
            async with httpx.AsyncClient() as http:
                good = await http.post(f"http://127.0.0.1:{port}/hook", content=b'{"id": "x"}', headers=signed)
                tampered = await http.post(f"http://127.0.0.1:{port}/hook", content=b'{"id": "y"}', headers=signed)
            assert good.status_code == 204  # signed right: accepted (the body is not an event: skipped)
            assert tampered.status_code == 401
        finally:
            example.terminate()
            await example.wait()


def _delivered(receiver: Receiver, event_id: str) -> Any:
    async def check() -> bool:
        return event_id in receiver.accepted_ids()

    return check
