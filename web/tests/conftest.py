from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kit.clock import ManualClock
from kit.testing import migrated_database, running
from web.main import create_app
from web.settings import Settings


@dataclass
class Portal:
    http: httpx.AsyncClient
    app: FastAPI
    clock: ManualClock
    url: str


@pytest.fixture(scope="module")
async def database(pg_server: Any) -> AsyncIterator[str]:
    async with migrated_database(pg_server, Path(__file__).parents[1], "web") as url:
        yield url


@pytest.fixture
async def portal(database: str, nats_server: Any) -> AsyncIterator[Portal]:
    """The portal on a migrated database of its own, with a clock tests can move. Its gateway is
    an address nothing listens on: these tests cover what the portal does before it calls the API
    (the journeys through the API run in a browser against the whole platform, in tests/)."""
    settings = Settings(
        database_url=database, nats_url=nats_server.url, environment="test", log_json=False,
        gateway_url="http://127.0.0.1:9", cookie_secure=False,
    )  # fmt: skip
    clock = ManualClock()
    app = create_app(settings, clock=clock)
    async with running(app, base_url="http://portal") as http:
        yield Portal(http=http, app=app, clock=clock, url=database)
