"""Integrators that sign what they publish: a key pair of their own (kept here, as a ministry
keeps it), its public half registered with the gateway, and signed CloudEvents."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

import httpx

from contracts import Envelope
from contracts.examples import example
from contracts.signing import SigningKey

REGISTERED = "traffic.vehicle.registered.v1"
ONE = {"Content-Type": "application/cloudevents+json"}
BATCH = {"Content-Type": "application/cloudevents-batch+json"}


def new_key(account: dict[str, Any], kid: str | None = None) -> SigningKey:
    """A key pair of the integrator's own (its private half never leaves the test)."""
    return SigningKey.generate(kid or f"{account['source']}-{secrets.token_hex(4)}", account["source"])


async def register(client: httpx.AsyncClient, auth: dict[str, str], key: SigningKey) -> dict[str, Any]:
    """The key's public half, uploaded as a JWK."""
    jwk = {name: value for name, value in key.public().jwk().items() if name not in ("producer", "types", "revoked")}
    response = await client.post("/v1/event-keys", json={"jwk": jwk}, headers=auth)
    assert response.status_code == 201, response.text
    (registered,) = response.json()["items"]
    return dict(registered)


def unsigned(source: str, event_type: str = REGISTERED, **data: Any) -> dict[str, Any]:
    """A CloudEvent as the integrator publishes it (before signing), without `dataschema`."""
    event = example(event_type)
    if "vehicle_id" in type(event).model_fields:
        data = {"vehicle_id": uuid.uuid4(), **data}
    found: dict[str, Any] = json.loads(Envelope.wrap(event.model_copy(update=data), source=source).to_bytes())
    found.pop("dataschema")
    return found


def signed(key: SigningKey, event_type: str = REGISTERED, **data: Any) -> dict[str, Any]:
    return key.sign(unsigned(key.producer, event_type, **data))
