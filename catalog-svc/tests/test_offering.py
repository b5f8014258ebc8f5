"""A service defined as data is offered (live) while applications-svc has a version of its
definition published, and `coming` again once none is: the catalogue follows the events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import nats
import pytest

from contracts import Envelope, Event
from contracts.events.applications import DefinitionPublished, DefinitionRetired
from kit.messaging.bus import ensure_streams
from kit.testing import eventually, signed

CODE = "registry.commercial.extract"
QUOTE = f"/v1/services/{CODE}/quote"


@pytest.fixture(scope="module")
async def js(nats_server: Any) -> AsyncIterator[Any]:
    client = await nats.connect(nats_server.url)
    await ensure_streams(client.jetstream())
    yield client.jetstream()
    await client.close()


async def publish(js: Any, event: Event) -> None:
    envelope = Envelope.wrap(event, source="applications-svc")
    await js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})


def status_is(client: httpx.AsyncClient, wanted: str) -> Any:
    async def check() -> bool:
        return bool((await client.get(f"/v1/services/{CODE}")).json()["status"] == wanted)

    return check


async def test_published_offers_it_where_rolled_out_and_retired_withdraws_it(
    client: httpx.AsyncClient, js: Any
) -> None:
    assert await status_is(client, "coming")()
    params = {"channel": "web", "method": "card", "governorate": "03"}
    assert (await client.get(QUOTE, params=params)).json()["code"] == "service_coming_soon"
    definition_id, now = uuid.uuid4(), datetime.now(UTC)
    published = DefinitionPublished(
        definition_id=definition_id,
        service_code=CODE,
        definition_version=1,
        fulfilment="document",
        review="rules",
        published_at=now,
    )
    await publish(js, published)
    await eventually(status_is(client, "live"), "the service offered")
    assert (await client.get(QUOTE, params=params)).status_code == 200  # Port Said: rolled out (pilot)
    later = await client.get(QUOTE, params={**params, "governorate": "11"})  # Damietta: its date has not come
    assert later.status_code == 409
    assert later.json()["code"] == "service_not_live_here"
    await publish(
        js,
        DefinitionRetired(
            definition_id=definition_id, service_code=CODE, definition_version=1, published_version=None, retired_at=now
        ),
    )
    await eventually(status_is(client, "coming"), "the service withdrawn")
