from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from fastapi import FastAPI

from contracts.signing import SigningKey
from evidence.main import create_app
from evidence.settings import Settings
from kit.clock import ManualClock
from kit.messaging.bus import ensure_streams
from kit.testing import TokenIssuer, migrated_database, running, served, trust

INTERNAL = "test-internal-token"


@dataclass
class Archive:
    """The service under test, its clock, and the producers whose signed events it receives."""

    app: FastAPI
    http: httpx.AsyncClient
    clock: ManualClock
    producers: dict[str, SigningKey]


@pytest.fixture(scope="module")
def identity() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture(scope="module")
def producers() -> dict[str, SigningKey]:
    """A ministry (an integrator) and two platform services, each with its own key."""
    return {
        "traffic": SigningKey.generate("traffic-authority-2026", "traffic-authority", ["traffic.>"]),
        "ration": SigningKey.generate("ration-svc-2026", "ration-svc", ["ration.>", "payment.order.>"]),
        "identity": SigningKey.generate("identity-svc-2026", "identity-svc", ["identity.>"]),
    }


@pytest.fixture(scope="module")
async def js(nats_server: Any) -> AsyncIterator[Any]:
    client = await nats.connect(nats_server.url)
    await ensure_streams(client.jetstream())
    yield client.jetstream()
    await client.close()


@pytest.fixture(scope="module")
async def archive(
    pg_server: Any, nats_server: Any, identity: TokenIssuer, producers: dict[str, SigningKey]
) -> AsyncIterator[Archive]:
    """The service on a migrated database of its own (one per test module), its producers' keys
    published by a stand-in JWKS endpoint, a clock tests can move, sealing left to the tests."""
    keys = FastAPI()

    @keys.get("/.well-known/event-keys.json")
    async def event_keys() -> dict[str, Any]:
        return {"keys": [key.public().jwk() for key in producers.values()]}

    async with served(keys) as keys_url, migrated_database(pg_server, Path(__file__).parents[1], "evidence") as url:
        settings = Settings(
            database_url=url, nats_url=nats_server.url, environment="test", log_json=False,
            internal_token=INTERNAL, event_keys_urls=[f"{keys_url}/.well-known/event-keys.json"],
            seal_every_seconds=3600, retention_by_type={"traffic.>": 30},
        )  # fmt: skip
        clock = ManualClock()
        app = create_app(settings, clock=clock)
        async with running(app) as http:
            trust(app, identity.verifier())
            yield Archive(app, http, clock, producers)
