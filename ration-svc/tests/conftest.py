from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
from ration_support import INTERNAL, Tokens
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devstack.service import ServiceProcess
from kit import db
from kit.messaging.bus import ensure_streams
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.tables import messaging_tables
from kit.migrations import upgrade_async
from kit.testing import RegistryStandIn, served
from ration.models import Base, load_all

SERVICE_DIR = Path(__file__).parents[1]
load_all()


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
def tokens() -> Tokens:
    """Citizens', officers' and integrators' tokens, signed as identity and the gateway sign them."""
    return Tokens()


@pytest.fixture(scope="module")
async def js(nats_server: Any) -> AsyncIterator[Any]:
    """JetStream with the platform's streams, to publish other services' events and read ration's."""
    client = await nats.connect(nats_server.url)
    await ensure_streams(client.jetstream())
    yield client.jetstream()
    await client.close()


@pytest.fixture(scope="module")
def catalog(pg_server: Any, nats_server: Any, devstack_root: Path) -> Iterator[ServiceProcess]:
    """The real catalog-svc, as its own process on its own database (its seeded catalogue), which
    ration asks for each card-service order's locked fee with the internal token."""
    process = ServiceProcess(
        "catalog",
        pg=pg_server,
        nats_url=nats_server.url,
        data_dir=devstack_root / f"catalog-{secrets.token_hex(4)}",
        settings={"INTERNAL_TOKEN": INTERNAL, "SERVICE_NAME": f"catalog-{secrets.token_hex(4)}"},
    )
    with process:
        yield process


@pytest.fixture(scope="module")
async def registry() -> AsyncIterator[tuple[RegistryStandIn, str]]:
    """identity's mirror of the civil registry, stood in (the people each test writes); its URL."""
    stand_in = RegistryStandIn(INTERNAL)
    async with served(stand_in.app()) as url:
        yield stand_in, url
