"""Ministries publish over HTTP (`POST /v1/events`), on a real gateway with PostgreSQL and NATS:
CloudEvents one by one or in a batch, each answered on its own (accepted, duplicate, or a
problem naming the field), allowed by `publish:<type>` scopes only for the facts ministries own,
signed by one of the publisher's registered keys (a forgery is refused with its reason), recorded
once by id and published on NATS once (Nats-Msg-Id = the event id), exactly as signed."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

import httpx
import nats
import pytest
import test_webhooks
from event_support import BATCH, ONE, REGISTERED, new_key, register, signed, unsigned
from gateway_support import serving
from standardwebhooks.webhooks import Webhook
from test_webhooks import create_integrator, token_for
from webhook_support import Receiver

from contracts import Envelope
from contracts.examples import example
from contracts.signing import KeyRing, SigningKey
from devstack.nats import NatsProcess
from kit.testing import eventually, stream_messages

client = test_webhooks.client  # the same gateway setup (PostgreSQL, NATS, events on), its own instance
database_url = test_webhooks.database_url
ONE_UPSTREAM_CLIENT = True  # the integrators' machinery: no upstream on its path (conftest)
TRANSFERRED = "traffic.vehicle.transferred.v1"
BIRTH = "civil.birth.registered.v1"


@pytest.fixture(scope="module")
async def traffic(database_url: str) -> dict[str, Any]:
    return await create_integrator(
        database_url,
        f"Traffic {secrets.token_hex(3)}",
        f"publish:{REGISTERED}",
        f"publish:{TRANSFERRED}",
        source="traffic-authority",
    )


@pytest.fixture(scope="module")
async def other(database_url: str) -> dict[str, Any]:
    """Another authority allowed to publish the same type."""
    return await create_integrator(
        database_url, f"Registry {secrets.token_hex(3)}", f"publish:{REGISTERED}", source=f"r-{secrets.token_hex(3)}"
    )


@pytest.fixture(scope="module")
async def key(client: httpx.AsyncClient, traffic: dict[str, Any]) -> SigningKey:
    found = new_key(traffic)
    await register(client, await token_for(client, traffic), found)
    return found


async def published(nats_url: str, event_id: str) -> list[Any]:
    nc = await nats.connect(nats_url)
    try:
        messages = await stream_messages(nc.jetstream(), "TRAFFIC", REGISTERED)
    finally:
        await nc.close()
    return [m for m in messages if m.headers and m.headers.get("Nats-Msg-Id") == event_id]


async def post(client: httpx.AsyncClient, auth: dict[str, str], event: Any) -> httpx.Response:
    return await client.post("/v1/events", content=json.dumps(event), headers={**auth, **ONE})


class TestOneEvent:
    async def test_accepted_once_then_a_duplicate_and_published_once_as_signed(
        self,
        client: httpx.AsyncClient,
        traffic: dict[str, Any],
        key: SigningKey,
        nats_server: NatsProcess,
    ) -> None:
        auth = await token_for(client, traffic)
        event = key.sign({**unsigned(key.producer), "ministryref": "TR-2026-000117"})  # an extension of its own
        first = await post(client, auth, event)
        assert first.status_code == 202, first.text
        assert first.json() == {
            "index": 0,
            "id": event["id"],
            "type": REGISTERED,
            "status": "accepted",
            "problem": None,
        }
        again = await post(client, auth, event)
        assert again.status_code == 200
        assert again.json()["status"] == "duplicate"

        async def on_nats() -> list[Any]:
            return await published(nats_server.url, event["id"])

        (message,) = await eventually(on_nats, "the event on NATS")
        sent = json.loads(message.data)
        assert sent == event  # what the integrator signed, attribute for attribute (nothing added)
        trusted = KeyRing.from_jwks((await client.get("/.well-known/integrator-event-keys.json")).json())
        assert trusted.verify(sent).kid == key.kid  # verifies as any consumer verifies it
        assert len(await published(nats_server.url, event["id"])) == 1

    async def test_the_same_id_signed_otherwise_is_refused_not_a_duplicate(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], key: SigningKey
    ) -> None:
        auth = await token_for(client, traffic)
        event = signed(key)
        assert (await post(client, auth, event)).status_code == 202
        changed = key.sign({**event, "data": {**event["data"], "model_year": 2019}})
        refused = await post(client, auth, changed)
        assert (refused.status_code, refused.json()["code"], refused.json()["reason"]) == (
            409,
            "event_id_resigned",
            "replayed",
        )

    async def test_a_bad_field_is_named(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], key: SigningKey
    ) -> None:
        auth = await token_for(client, traffic)
        event = unsigned(key.producer)
        event["data"]["model_year"] = 1800
        response = await post(client, auth, key.sign(event))
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in response.json()["errors"]] == ["body.data.model_year"]
        assert response.json()["errors"][0]["reason"] == "Must be at least 1,900."

    async def test_only_cloudevents_media_types(self, client: httpx.AsyncClient, traffic: dict[str, Any]) -> None:
        auth = await token_for(client, traffic)
        response = await client.post("/v1/events", json=unsigned("traffic-authority"), headers=auth)
        assert response.status_code == 415
        assert response.json()["code"] == "cloudevents_media_type"

    async def test_integrators_only(self, client: httpx.AsyncClient) -> None:
        event = json.dumps(unsigned("traffic-authority"))
        assert (await client.post("/v1/events", content=event, headers=ONE)).status_code == 401


class TestForgeries:
    """Each refused with 403 `event_signature_rejected` and its reason, and nothing published."""

    async def refused(self, client: httpx.AsyncClient, auth: dict[str, str], event: dict[str, Any]) -> str:
        response = await post(client, auth, event)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["code"] == "event_signature_rejected"
        again = await client.post(
            "/v1/events", content=json.dumps(event), headers={**auth, **ONE, "Accept-Language": "ar"}
        )
        assert again.json()["reason"] == body["reason"]
        assert again.json()["detail"] != body["detail"]  # in Arabic too
        return str(body["reason"])

    async def test_each_forgery_is_refused_with_its_reason(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], key: SigningKey
    ) -> None:
        auth = await token_for(client, traffic)
        assert await self.refused(client, auth, unsigned(key.producer)) == "unsigned"
        stranger = SigningKey.generate(key.kid, key.producer)  # the right kid, another private key
        assert await self.refused(client, auth, signed(stranger)) == "bad-signature"
        unregistered = new_key(traffic)
        assert await self.refused(client, auth, signed(unregistered)) == "unknown-key"
        altered = signed(key)
        altered["data"]["owner_national_id"] = "29001010300017"  # changed after signing
        assert await self.refused(client, auth, altered) == "bad-signature"
        moved = signed(key)
        moved["time"] = "2026-01-01T00:00:00Z"  # an attribute, not only the data
        assert await self.refused(client, auth, moved) == "bad-signature"
        as_registry = key.sign(unsigned("civil-registry"))  # its own key, another authority's source
        assert await self.refused(client, auth, as_registry) == "wrong-producer"
        outside = key.sign(unsigned(key.producer, BIRTH))  # integrators publish it, but not this one
        assert await self.refused(client, auth, outside) == "type-not-allowed"

    async def test_another_integrators_key_signs_nothing_for_it(
        self, client: httpx.AsyncClient, key: SigningKey, other: dict[str, Any]
    ) -> None:
        other_auth = await token_for(client, other)
        # the other integrator posts an event signed with the traffic authority's key, under its source
        assert await self.refused(client, other_auth, signed(key)) == "unknown-key"
        mine = new_key(other)
        await register(client, other_auth, mine)
        as_traffic = mine.sign(unsigned(key.producer))  # its own key, the traffic authority's source
        assert await self.refused(client, other_auth, as_traffic) == "wrong-producer"

    async def test_a_revoked_key_signs_nothing_new(self, client: httpx.AsyncClient, traffic: dict[str, Any]) -> None:
        auth = await token_for(client, traffic)
        doomed = new_key(traffic)
        await register(client, auth, doomed)
        assert (await post(client, auth, signed(doomed))).status_code == 202
        revoked = await client.post(f"/v1/event-keys/{doomed.kid}/revoke", json={"reason": "stolen"}, headers=auth)
        assert revoked.status_code == 200, revoked.text
        assert await self.refused(client, auth, signed(doomed)) == "revoked-key"


class TestBatch:
    async def test_each_event_is_answered_on_its_own(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], key: SigningKey, other: dict[str, Any]
    ) -> None:
        auth = await token_for(client, traffic)
        good, repeated = signed(key), signed(key)
        assert (await post(client, auth, repeated)).status_code == 202
        wrong_subject = key.sign({**unsigned(key.producer), "subject": str(uuid.uuid4())})
        payment = key.sign(
            json.loads(Envelope.wrap(example("payment.intent.succeeded.v1"), source=key.producer).to_bytes())
        )
        unknown = key.sign(unsigned(key.producer) | {"type": "traffic.vehicle.stolen.v1", "dataversion": 1})
        forged = signed(key)
        forged["data"]["model_year"] = 2025
        batch = [good, repeated, wrong_subject, payment, unknown, "not an event", forged]
        response = await client.post("/v1/events", content=json.dumps(batch), headers={**auth, **BATCH})
        assert response.status_code == 200, response.text
        answer = response.json()
        assert (answer["accepted"], answer["duplicates"], answer["rejected"]) == (1, 1, 5)
        results = answer["results"]
        assert [r["status"] for r in results] == ["accepted", "duplicate"] + ["rejected"] * 5
        problems = [r["problem"] for r in results[2:]]
        assert problems[0]["errors"][0]["field"] == "body.2.subject"
        assert (problems[1]["code"], problems[1]["status"]) == ("event_type_not_publishable", 403)
        assert problems[2]["errors"][0] == {
            "field": "body.4.type",
            "reason": "No event type of this name and version exists (see /asyncapi.json).",
            "code": "unknown_event_type",
        }
        assert problems[3]["errors"][0]["field"] == "body.5"
        assert (problems[4]["code"], problems[4]["reason"]) == ("event_signature_rejected", "bad-signature")
        # another integrator reusing an id that is taken: refused, not a silent duplicate
        other_auth = await token_for(client, other)
        other_key = new_key(other)
        await register(client, other_auth, other_key)
        taken = await post(client, other_auth, other_key.sign({**good, "source": other_key.producer}))
        assert (taken.status_code, taken.json()["code"]) == (409, "event_id_taken")

    async def test_events_signed_as_one_batch_are_accepted_each_and_sent_as_signed(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], key: SigningKey, nats_server: NatsProcess
    ) -> None:
        """A ministry signing several events at once (`SigningKey.sign_batch`: one signature over
        the Merkle root, each event's `signatureproof`): each is judged on its own; one changed
        after signing is refused alone; the same event signed again in another batch is a
        duplicate (the same content), not a replay; another content under its id is refused."""
        auth = await token_for(client, traffic)
        batch = key.sign_batch([unsigned(key.producer) for _ in range(5)])
        batch[3]["data"]["model_year"] = 2011  # changed after signing
        response = await client.post("/v1/events", content=json.dumps(batch), headers={**auth, **BATCH})
        assert response.status_code == 200, response.text
        assert [r["status"] for r in response.json()["results"]] == ["accepted"] * 3 + ["rejected", "accepted"]
        assert response.json()["results"][3]["problem"]["reason"] == "bad-signature"

        async def on_nats() -> list[Any]:
            return await published(nats_server.url, batch[4]["id"])

        (message,) = await eventually(on_nats, "the event on NATS")
        assert json.loads(message.data) == batch[4]  # with its proof, as signed
        trusted = KeyRing.from_jwks((await client.get("/.well-known/integrator-event-keys.json")).json())
        assert trusted.verify(json.loads(message.data)).kid == key.kid

        again = key.sign_batch([batch[1], batch[0]])  # the first event again, in another batch
        assert again[1]["signature"] != batch[0]["signature"]
        repeated = await post(client, auth, again[1])
        assert (repeated.status_code, repeated.json()["status"]) == (200, "duplicate")
        changed = key.sign_batch([{**batch[0], "data": {**batch[0]["data"], "model_year": 2019}}])[0]
        refused = await post(client, auth, changed)
        assert (refused.status_code, refused.json()["code"]) == (409, "event_id_resigned")

    async def test_a_token_narrower_than_the_account_limits_what_it_publishes(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], key: SigningKey
    ) -> None:
        response = await client.post(
            "/v1/oauth/token",
            data={"grant_type": "client_credentials", "scope": f"publish:{REGISTERED}"},
            auth=(traffic["client_id"], traffic["client_secret"]),
        )
        narrow = {"Authorization": f"Bearer {response.json()['access_token']}"}
        outside = await post(client, narrow, key.sign(unsigned(key.producer, TRANSFERRED)))
        assert (outside.status_code, outside.json()["code"]) == (403, "publish_not_in_scope")
        wide = await token_for(client, traffic)
        assert (await post(client, wide, key.sign(unsigned(key.producer, TRANSFERRED)))).status_code == 202

    async def test_a_batch_must_be_a_list_of_at_most_100(
        self,
        client: httpx.AsyncClient,
        traffic: dict[str, Any],
        key: SigningKey,
    ) -> None:
        auth = await token_for(client, traffic)
        too_many = json.dumps([unsigned(key.producer) for _ in range(101)])  # refused before any is read
        response = await client.post("/v1/events", content=too_many, headers={**auth, **BATCH})
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "too_long"
        lone = await client.post("/v1/events", content=json.dumps(signed(key)), headers={**auth, **BATCH})
        assert lone.json()["errors"][0]["code"] == "list_type"


class TestWebhookDeliveries:
    async def test_a_subscriber_receives_the_event_as_the_ministry_signed_it(
        self, client: httpx.AsyncClient, traffic: dict[str, Any], key: SigningKey, database_url: str
    ) -> None:
        """Through NATS and the gateway's own consumer to a webhook: the body is the signed
        CloudEvent unchanged (its own extension attribute too), the Standard Webhooks signature beside it."""
        insurer = await create_integrator(database_url, f"Insurer {secrets.token_hex(3)}", f"events:{REGISTERED}")
        receiver = Receiver()
        event = key.sign({**unsigned(key.producer), "ministryref": "TR-2026-000118"})
        async with serving(receiver.app()) as receiver_url:
            body = {"url": f"{receiver_url}/hook", "event_types": [REGISTERED]}
            created = await client.post("/v1/webhooks", json=body, headers=await token_for(client, insurer))
            assert created.status_code == 201, created.text
            assert (await post(client, await token_for(client, traffic), event)).status_code == 202

            async def delivered() -> bool:
                return event["id"] in receiver.accepted_ids()

            await eventually(delivered, "the delivery")
        headers, sent, _ = next(r for r in receiver.received if r[0]["webhook-id"] == event["id"])
        assert json.loads(sent) == event
        trusted = KeyRing.from_jwks((await client.get("/.well-known/integrator-event-keys.json")).json())
        assert trusted.verify(json.loads(sent)).producer == "traffic-authority"
        assert Webhook(created.json()["secret"]).verify(sent, headers) == event
