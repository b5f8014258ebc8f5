"""Sessions on the real database: a new id at sign-in, the idle and absolute limits, the sweep."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from kit import db
from kit.settings import EventSigningKey
from web.models import Base
from web.sessions import service as sessions
from web.sessions.models import WebSession
from web.settings import Settings

LIFETIME = sessions.Lifetime(idle=timedelta(minutes=30), max=timedelta(hours=12), pending=timedelta(minutes=15))
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
TOKENS = sessions.Tokens(access_token="access-1", refresh_token="refresh-1", expires_in=300)


@pytest.fixture
async def session(database: str) -> AsyncIterator[AsyncSession]:
    engine = db.create_engine(database, pool_size=1)
    assert Base.metadata.schema == "web"
    try:
        async with db.sessionmaker(engine)() as s:
            await s.begin()
            yield s
            await s.rollback()
    finally:
        await engine.dispose()


async def _signed_in(session: AsyncSession) -> tuple[str, str, WebSession]:
    anonymous, row = await sessions.start(session, now=NOW, lifetime=LIFETIME)
    cookie, signed = await sessions.sign_in(
        session, row, kind="citizen", subject="c-1", name="أحمد", roles=[], tokens=TOKENS, now=NOW, lifetime=LIFETIME
    )
    await session.flush()
    return anonymous, cookie, signed


class TestSignIn:
    async def test_gets_a_new_id_and_a_new_csrf_token(self, session: AsyncSession) -> None:
        anonymous, row = await sessions.start(session, now=NOW, lifetime=LIFETIME)
        old_csrf = row.csrf
        cookie, signed = await sessions.sign_in(
            session, row, kind="citizen", subject="c-1", name="n", roles=[], tokens=TOKENS, now=NOW, lifetime=LIFETIME
        )
        await session.flush()
        assert cookie != anonymous
        assert signed.csrf != old_csrf
        assert await sessions.find(session, cookie=anonymous, now=NOW, lifetime=LIFETIME) is None
        found = await sessions.find(session, cookie=cookie, now=NOW, lifetime=LIFETIME)
        assert found is not None
        assert found.access_token == "access-1"
        assert found.id_hash == sessions.digest(cookie)  # the cookie itself is not stored

    async def test_refresh_is_due_just_before_the_token_expires(self, session: AsyncSession) -> None:
        _, _, row = await _signed_in(session)
        assert not sessions.needs_refresh(row, now=NOW + timedelta(seconds=200))
        assert sessions.needs_refresh(row, now=NOW + timedelta(seconds=280))
        sessions.hold(row, sessions.Tokens(access_token="access-2", refresh_token=None, expires_in=300), now=NOW)
        assert row.refresh_token == "refresh-1"  # kept until a new one replaces it


class TestLimits:
    async def test_idle_then_gone(self, session: AsyncSession) -> None:
        _, cookie, _ = await _signed_in(session)
        assert await sessions.find(session, cookie=cookie, now=NOW + timedelta(minutes=29), lifetime=LIFETIME)
        await session.flush()
        later = NOW + timedelta(minutes=29) + timedelta(minutes=31)
        assert await sessions.find(session, cookie=cookie, now=later, lifetime=LIFETIME) is None

    async def test_busy_sessions_end_at_the_absolute_limit(self, session: AsyncSession) -> None:
        _, cookie, _ = await _signed_in(session)
        for step in range(1, 36):  # a page every 20 minutes, up to 11 h 40
            at = NOW + step * timedelta(minutes=20)
            assert await sessions.find(session, cookie=cookie, now=at, lifetime=LIFETIME) is not None
            await session.flush()
        assert await sessions.find(session, cookie=cookie, now=NOW + timedelta(hours=12), lifetime=LIFETIME) is None

    async def test_a_pending_journey_lasts_minutes_however_busy(self, session: AsyncSession) -> None:
        cookie, _ = await sessions.start(session, now=NOW, lifetime=LIFETIME)  # an enrolment's SMS step
        await session.flush()
        assert await sessions.find(session, cookie=cookie, now=NOW + timedelta(minutes=10), lifetime=LIFETIME)
        await session.flush()
        assert await sessions.find(session, cookie=cookie, now=NOW + timedelta(minutes=15), lifetime=LIFETIME) is None

    async def test_the_sweep_removes_what_expired(self, session: AsyncSession) -> None:
        _, cookie, _ = await _signed_in(session)
        assert await sessions.sweep_expired(session, now=NOW + timedelta(minutes=31)) >= 1
        assert await session.get(WebSession, sessions.digest(cookie)) is None

    async def test_csrf_compares_exactly(self, session: AsyncSession) -> None:
        _, _, row = await _signed_in(session)
        assert sessions.csrf_ok(row, row.csrf)
        assert not sessions.csrf_ok(row, row.csrf[:-1])
        assert not sessions.csrf_ok(row, None)


class TestSignedCsrf:
    def test_bound_to_the_cookie_and_the_secret(self) -> None:
        cookie = sessions.new_csrf_cookie()
        token = sessions.signed_csrf("secret-a", cookie)
        assert token != cookie
        assert sessions.signed_csrf_ok("secret-a", cookie, token)
        assert not sessions.signed_csrf_ok("secret-b", cookie, token)  # another server's secret
        assert not sessions.signed_csrf_ok("secret-a", sessions.new_csrf_cookie(), token)  # another browser
        assert not sessions.signed_csrf_ok("secret-a", None, token)
        assert not sessions.signed_csrf_ok("secret-a", cookie, None)

    def test_the_development_secret_is_refused_in_production(self) -> None:
        with pytest.raises(ValueError, match="csrf_secret"):
            Settings(environment="production", internal_token=SecretStr("set-for-production"))
        made = Settings(
            environment="production",
            internal_token=SecretStr("a"),
            csrf_secret=SecretStr("b"),
            event_signing_keys=[EventSigningKey(kid="web-1", seed=SecretStr("A" * 43))],
        )
        assert made.csrf_secret.get_secret_value() == "b"
