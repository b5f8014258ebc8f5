"""Ministries publish over HTTP (`POST /v1/events`), on a real gateway with PostgreSQL and NATS:
CloudEvents one by one or in a batch, each answered on its own (accepted, duplicate, or a
problem naming the field), allowed by `publish:<type>` scopes only for the facts ministries own,
recorded once by id and published on NATS once (Nats-Msg-Id = the event id)."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

import httpx
import nats
import pytest
import test_webhooks
from test_webhooks import create_integrator, token_for

from contracts import Envelope
from contracts.examples import example
from devstack.nats import NatsProcess
from kit.testing import eventually, stream_messages

client = test_webhooks.client  # the same gateway setup (PostgreSQL, NATS, events on), its own instance
database_url = test_webhooks.database_url
REGISTERED = "traffic.vehicle.registered.v1"
ONE = {"Content-Type": "application/cloudevents+json"}
BATCH = {"Content-Type": "application/cloudevents-batch+json"}


def vehicle(**data: Any) -> dict[str, Any]:
    event = example(REGISTERED).model_copy(update={"vehicle_id": uuid.uuid4(), **data})
    found: dict[str, Any] = json.loads(Envelope.wrap(event, source="traffic-department").to_bytes())
    found.pop("dataschema")  # the gateway names the schema itself
    return found


@pytest.fixture(scope="module")
async def traffic(database_url: str) -> dict[str, Any]:
    return await create_integrator(database_url, f"Traffic {secrets.token_hex(3)}", f"publish:{REGISTERED}")


async def published(nats_url: str, event_id: str) -> list[Any]:
    nc = await nats.connect(nats_url)
    try:
        messages = await stream_messages(nc.jetstream(), "TRAFFIC", REGISTERED)
    finally:
        await nc.close()
    return [m for m in messages if m.headers and m.headers.get("Nats-Msg-Id") == event_id]


class TestOneEvent:
    async def test_accepted_once_then_a_duplicate_and_published_once(
        self,
        client: httpx.AsyncClient,
        traffic: dict[str, Any],
        nats_server: NatsProcess,
    ) -> None:
        auth = await token_for(client, traffic)
        event = vehicle()
        first = await client.post("/v1/events", content=json.dumps(event), headers={**auth, **ONE})
        assert first.status_code == 202, first.text
        assert first.json() == {
            "index": 0,
            "id": event["id"],
            "type": REGISTERED,
            "status": "accepted",
            "problem": None,
        }
        again = await client.post("/v1/events", content=json.dumps(event), headers={**auth, **ONE})
        assert again.status_code == 200
        assert again.json()["status"] == "duplicate"

        async def on_nats() -> list[Any]:
            return await published(nats_server.url, event["id"])

        (message,) = await eventually(on_nats, "the event on NATS")
        sent = json.loads(message.data)
        assert sent["dataschema"].endswith(f"/schemas/events/{REGISTERED}.json")
        assert sent["data"] == event["data"]
        assert len(await published(nats_server.url, event["id"])) == 1

    async def test_a_bad_field_is_named(self, client: httpx.AsyncClient, traffic: dict[str, Any]) -> None:
        auth = await token_for(client, traffic)
        event = vehicle()
        event["data"]["model_year"] = 1800
        response = await client.post("/v1/events", content=json.dumps(event), headers={**auth, **ONE})
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in response.json()["errors"]] == ["body.data.model_year"]
        assert response.json()["errors"][0]["reason"] == "Must be at least 1,900."

    async def test_only_cloudevents_media_types(self, client: httpx.AsyncClient, traffic: dict[str, Any]) -> None:
        auth = await token_for(client, traffic)
        response = await client.post("/v1/events", json=vehicle(), headers=auth)
        assert response.status_code == 415
        assert response.json()["code"] == "cloudevents_media_type"

    async def test_integrators_only(self, client: httpx.AsyncClient) -> None:
        assert (await client.post("/v1/events", content=json.dumps(vehicle()), headers=ONE)).status_code == 401


class TestBatch:
    async def test_each_event_is_answered_on_its_own(
        self,
        client: httpx.AsyncClient,
        traffic: dict[str, Any],
        database_url: str,
    ) -> None:
        auth = await token_for(client, traffic)
        good, repeated = vehicle(), vehicle()
        assert (
            await client.post("/v1/events", content=json.dumps(repeated), headers={**auth, **ONE})
        ).status_code == 202
        wrong_subject = vehicle()
        wrong_subject["subject"] = str(uuid.uuid4())
        payment = json.loads(Envelope.wrap(example("payment.intent.succeeded.v1"), source="bank").to_bytes())
        transferred = json.loads(Envelope.wrap(example("traffic.vehicle.transferred.v1"), source="t").to_bytes())
        unknown = vehicle() | {"type": "traffic.vehicle.stolen.v1", "dataversion": 1}
        batch = [good, repeated, wrong_subject, payment, transferred, unknown, "not an event"]
        response = await client.post("/v1/events", content=json.dumps(batch), headers={**auth, **BATCH})
        assert response.status_code == 200, response.text
        answer = response.json()
        assert (answer["accepted"], answer["duplicates"], answer["rejected"]) == (1, 1, 5)
        results = answer["results"]
        assert [r["status"] for r in results] == ["accepted", "duplicate"] + ["rejected"] * 5
        problems = [r["problem"] for r in results[2:]]
        assert problems[0]["errors"][0]["field"] == "body.2.subject"
        assert (problems[1]["code"], problems[1]["status"]) == ("event_type_not_publishable", 403)
        assert (problems[2]["code"], problems[2]["status"]) == ("publish_not_in_scope", 403)  # no publish: scope
        assert problems[3]["errors"][0] == {
            "field": "body.5.type",
            "reason": "No event type of this name and version exists (see /asyncapi.json).",
            "code": "unknown_event_type",
        }
        assert problems[4]["errors"][0]["field"] == "body.6"
        # another integrator reusing an id that is taken: refused, not a silent duplicate
        other = await create_integrator(database_url, f"Traffic B {secrets.token_hex(3)}", f"publish:{REGISTERED}")
        taken = await client.post(
            "/v1/events", content=json.dumps(good), headers={**(await token_for(client, other)), **ONE}
        )
        assert (taken.status_code, taken.json()["code"]) == (409, "event_id_taken")

    async def test_a_batch_must_be_a_list_of_at_most_100(
        self,
        client: httpx.AsyncClient,
        traffic: dict[str, Any],
    ) -> None:
        auth = await token_for(client, traffic)
        too_many = json.dumps([vehicle() for _ in range(101)])
        response = await client.post("/v1/events", content=too_many, headers={**auth, **BATCH})
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "too_long"
        lone = await client.post("/v1/events", content=json.dumps(vehicle()), headers={**auth, **BATCH})
        assert lone.json()["errors"][0]["code"] == "list_type"
