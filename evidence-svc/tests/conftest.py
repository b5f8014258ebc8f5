from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from evidence.main import create_app
from evidence.settings import Settings
from kit.clock import ManualClock
from kit.testing import TokenIssuer, migrated_database, running, trust


@pytest.fixture(scope="module")
def identity() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture(scope="module")
async def client(pg_server: Any, nats_server: Any, identity: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    """The service on a migrated database of its own (one per test module), with a clock that
    tests can move."""
    async with migrated_database(pg_server, Path(__file__).parents[1], "evidence") as url:
        settings = Settings(database_url=url, nats_url=nats_server.url, environment="test", log_json=False)
        app = create_app(settings, clock=ManualClock())
        async with running(app) as http:
            trust(app, identity.verifier())
            yield http
