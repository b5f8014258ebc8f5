from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nats
import pytest
from ration_support import KeyRing
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit import db
from kit.messaging.bus import ensure_streams
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.tables import messaging_tables
from kit.migrations import upgrade_async
from ration.models import Base

SERVICE_DIR = Path(__file__).parents[1]


@pytest.fixture(scope="module")
async def ration_url(pg_server: Any) -> str:
    """One migrated database per test module."""
    name = f"ration_{secrets.token_hex(6)}"
    pg_server.create_database(name)
    url = pg_server.dsn(name, driver="postgresql+asyncpg")
    await upgrade_async(SERVICE_DIR, url)
    return url


@pytest.fixture(scope="module")
async def sessions(ration_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions bound to the service's outbox, as the running service has them."""
    engine = db.create_engine(ration_url, pool_size=4)
    binding = OutboxBinding(messaging_tables(Base.metadata), source="ration-svc")
    yield db.sessionmaker(engine, **{SESSION_KEY: binding})
    await engine.dispose()


@pytest.fixture(scope="module")
def ring() -> KeyRing:
    """Signs citizens', officers' and integrators' tokens as identity-svc would."""
    return KeyRing()


@pytest.fixture(scope="module")
async def js(nats_server: Any) -> AsyncIterator[Any]:
    """JetStream with the platform's streams, to publish other services' events and read ration's."""
    client = await nats.connect(nats_server.url)
    await ensure_streams(client.jetstream())
    yield client.jetstream()
    await client.close()
