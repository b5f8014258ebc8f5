from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from identity_support import identity_settings
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from identity.main import create_app
from identity.settings import Settings
from kit.clock import ManualClock, OffsetClock, utcnow
from kit.testing import migrated_database, running

SERVICE_DIR = Path(__file__).parents[1]


@pytest.fixture(scope="module")
async def migrated_url(pg_server: Any) -> AsyncIterator[str]:
    """One migrated database per test module."""
    async with migrated_database(pg_server, SERVICE_DIR, "identity") as url:
        yield url


@pytest.fixture(scope="module")
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(migrated_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
def settings(migrated_url: str, nats_server: Any) -> Settings:
    return identity_settings(
        migrated_url,
        nats_server.url,
        catalog_url="http://127.0.0.1:9",  # nothing listens: a test that needs catalog's names stands it in
        catalog_timeout_seconds=0.5,
    )


@pytest.fixture(scope="module")
def clock() -> OffsetClock | ManualClock:
    """The app's clock: the running present, which a test may move on (`clock.advance`)."""
    return OffsetClock()


@pytest.fixture(autouse=True)
def _the_present(clock: OffsetClock | ManualClock) -> None:
    """Each test starts at the present: a test that moved the clock on leaves no later test
    signing tokens that every verifier (which reads the real time) would take for future ones."""
    if isinstance(clock, ManualClock):
        clock.set(utcnow())
    else:
        clock.offset = timedelta()


@pytest.fixture(scope="module")
async def served(
    settings: Settings, clock: OffsetClock | ManualClock
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings, clock=clock)
    async with running(app) as client:
        yield app, client


@pytest.fixture(scope="module")
def app(served: tuple[FastAPI, httpx.AsyncClient]) -> FastAPI:
    return served[0]


@pytest.fixture(scope="module")
def client(served: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return served[1]
