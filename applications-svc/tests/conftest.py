from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from applications_support import CATALOGUE_FEES, Harness, catalogue_app

from applications.main import create_app
from applications.settings import Settings
from kit.clock import ManualClock
from kit.messaging.bus import ensure_streams
from kit.testing import QuotesStandIn, TokenIssuer, migrated_database, registry_stand_in, running, served, trust

INTERNAL = "dev-only-internal-token"


@pytest.fixture(scope="module")
def identity() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture(scope="module")
async def js(nats_server: Any) -> AsyncIterator[Any]:
    """JetStream with the platform's streams: other authorities' events in, applications' out."""
    client = await nats.connect(nats_server.url)
    await ensure_streams(client.jetstream())
    yield client.jetstream()
    await client.close()


@pytest.fixture(scope="module")
async def harness(pg_server: Any, nats_server: Any, identity: TokenIssuer, js: Any) -> AsyncIterator[Harness]:
    """The service on a migrated database of its own (one per test module), a clock tests move,
    stand-ins for identity's civil registry and catalog's tariffs and quotes."""
    clock = ManualClock()
    quotes = QuotesStandIn(CATALOGUE_FEES, INTERNAL, clock=clock)
    async with (
        migrated_database(pg_server, Path(__file__).parents[1], "applications") as url,
        registry_stand_in(token=INTERNAL) as registry,
        served(catalogue_app(quotes)) as catalog_url,
    ):
        settings = Settings(
            database_url=url,
            nats_url=nats_server.url,
            environment="test",
            log_json=False,
            catalog_url=catalog_url,
            identity_url=registry.url,
            sweep_seconds=0.2,
        )
        app = create_app(settings, clock=clock)
        async with running(app) as http:
            trust(app, identity.verifier())
            yield Harness(http, identity, registry, quotes, clock, js)


@pytest.fixture
def client(harness: Harness) -> httpx.AsyncClient:
    return harness.http
