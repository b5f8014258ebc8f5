from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from catalog_support import Identity

from catalog.main import create_app
from catalog.settings import Settings
from kit.clock import OffsetClock
from kit.testing import migrated_database, running, trust

SERVICE_DIR = Path(__file__).parents[1]


@pytest.fixture(scope="module")
async def catalog_url(pg_server: Any) -> AsyncIterator[str]:
    """One migrated (and seeded) database per test module."""
    async with migrated_database(pg_server, SERVICE_DIR, "catalog") as url:
        yield url


@pytest.fixture(scope="module")
def identity() -> Identity:
    return Identity()


@pytest.fixture(scope="module")
def settings(catalog_url: str, nats_server: Any) -> Settings:
    return Settings(database_url=catalog_url, nats_url=nats_server.url, environment="test", log_json=False)


@pytest.fixture(scope="module")
def clock() -> OffsetClock:
    """The service's clock: the time runs, and a test may move it."""
    return OffsetClock()


@pytest.fixture(scope="module")
async def client(settings: Settings, identity: Identity, clock: OffsetClock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, clock=clock)
    async with running(app) as client:
        trust(app, identity.verifier())
        yield client
