from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from identity_support import identity_settings
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from identity.main import create_app
from identity.settings import Settings
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
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with running(app) as client:
        app.state.test_client = client
        yield app


@pytest.fixture(scope="module")
def client(app: FastAPI) -> httpx.AsyncClient:
    return app.state.test_client  # type: ignore[no-any-return]
