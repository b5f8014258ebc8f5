from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit import db
from kit.clock import ManualClock
from kit.testing import migrated_database, running
from web.main import create_app
from web.sessions import service as sessions
from web.sessions.models import WebSession
from web.settings import Settings


@dataclass
class Portal:
    http: httpx.AsyncClient
    app: FastAPI
    clock: ManualClock
    url: str

    @asynccontextmanager
    async def _db(self) -> AsyncIterator[AsyncSession]:
        engine = db.create_engine(self.url, pool_size=1)
        try:
            async with db.sessionmaker(engine)() as s, s.begin():
                yield s
        finally:
            await engine.dispose()

    async def stored_sessions(self) -> int:
        """How many rows the sessions table holds (live or not)."""
        async with self._db() as s:
            return int(await s.scalar(select(func.count()).select_from(WebSession)) or 0)

    async def sign_in_directly(self, *, kind: str = "citizen", roles: list[str] | None = None) -> WebSession:
        """A signed-in session stored as sign-in stores it (the API's tokens are made up: these
        tests make no call to it), its cookie given to the test's browser."""
        lifetime = sessions.Lifetime(idle=timedelta(minutes=30), max=timedelta(hours=12), pending=timedelta(minutes=15))
        tokens = sessions.Tokens(access_token="not-a-token", refresh_token=None, expires_in=3600)
        async with self._db() as s:
            cookie, row = await sessions.sign_in(
                s, None, kind=kind, subject="c-1", name="أحمد", roles=roles or [], tokens=tokens, now=self.clock.now(),
                lifetime=lifetime,
            )  # fmt: skip
        self.http.cookies.set("shubbak_session", cookie)
        return row

    async def forget_sessions(self) -> None:
        async with self._db() as s:
            await s.execute(delete(WebSession))


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
        portal = Portal(http=http, app=app, clock=clock, url=database)
        yield portal
        await portal.forget_sessions()  # each test starts from an empty table
