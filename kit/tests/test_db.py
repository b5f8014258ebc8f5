"""kit.db.serialize: transactions taking the same key pass one at a time (a limit's count-then-insert);
kit.db's pool pings a connection only after it has been idle, replaces a dead one unseen, and gives
up on a hung one after a connect timeout."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from devstack.faultproxy import FaultProxy
from kit import db


async def test_the_same_key_waits_for_the_holders_transaction_and_another_key_does_not(pg_database):
    engine = db.create_engine(pg_database(), pool_size=3)
    sessions = db.sessionmaker(engine)
    order: list[str] = []
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with db.transaction(sessions) as session:
            await db.serialize(session, "open-requests", "citizen-1")
            order.append("holder has it")
            holding.set()
            await release.wait()
            order.append("holder commits")

    async def taker(*key: str) -> None:
        await holding.wait()
        async with db.transaction(sessions) as session:
            await db.serialize(session, *key)
            order.append(f"{key[1]} has it")

    try:
        first = asyncio.create_task(holder())
        same = asyncio.create_task(taker("open-requests", "citizen-1"))
        await taker("open-requests", "citizen-2")  # another key: no wait
        await asyncio.sleep(0.2)  # time for `same` to reach the lock (it must still be waiting)
        assert not same.done()
        release.set()
        await asyncio.gather(first, same)
    finally:
        await engine.dispose()
    assert order == ["holder has it", "citizen-2 has it", "holder commits", "citizen-1 has it"]


async def test_a_connection_is_pinged_after_idling_kept_if_well_replaced_unseen_if_dead(pg_database, monkeypatch):
    url = pg_database()
    engine = db.create_engine(url, pool_size=1)
    killer = db.create_engine(url, pool_size=1)
    pings: list[object] = []
    ping = db.ping

    async def counted(connection, timeout):  # type: ignore[no-untyped-def]
        pings.append(connection)
        await ping(connection, timeout)

    monkeypatch.setattr(db, "ping", counted)
    try:
        for _ in range(5):  # one connection, handed out again and again within the idle bound
            async with engine.connect() as conn:
                first = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert pings == []  # not pinged while in use (the pre-ping of every checkout is gone)
        await asyncio.sleep(db.PING_IDLE_SECONDS + 0.2)
        async with engine.connect() as conn:  # idle long enough: pinged, found well, kept
            assert await conn.scalar(text("SELECT pg_backend_pid()")) == first
        assert len(pings) == 1
        async with killer.connect() as conn:  # the server drops it while it idles (a restart, a proxy)
            assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        await asyncio.sleep(db.PING_IDLE_SECONDS + 0.2)
        async with engine.connect() as conn:  # idle long enough: pinged, found dead, replaced
            again = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert len(pings) == 2
        assert again != first
    finally:
        await engine.dispose()
        await killer.dispose()


async def test_a_hung_server_costs_a_request_the_ping_and_a_connect_not_the_statement_limit(pg_database):
    """A server that accepts but never answers (a hung host, a stalled proxy): the idle connection's
    ping gives up after the connect timeout and the dead connection is dropped at once, so the
    checkout fails after about two connect timeouts. SQLAlchemy's pre-ping waited for the
    statement limit (here 60 s), then 2 s for a graceful close."""
    url = make_url(pg_database())
    with FaultProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        engine = db.create_engine(
            url.set(port=proxy.port).render_as_string(hide_password=False),
            pool_size=1,
            connect_timeout=1.0,
            command_timeout=60.0,
        )
        try:
            async with engine.connect() as conn:
                assert await conn.scalar(text("SELECT 1")) == 1
            await asyncio.sleep(db.PING_IDLE_SECONDS + 0.2)
            proxy.stall()
            began = time.monotonic()
            with pytest.raises(db.UNREACHABLE_ERRORS) as failed:
                async with asyncio.timeout(30), engine.connect() as conn:
                    await conn.scalar(text("SELECT 1"))
            took = time.monotonic() - began
            assert db.unreachable(failed.value), repr(failed.value)  # a 503 for the caller
            assert took < 4.0, took  # ping 1 s + connect 1 s, and some slack for a busy machine
            proxy.heal()
            async with engine.connect() as conn:  # and once the link heals, a new connection works
                assert await conn.scalar(text("SELECT 1")) == 1
        finally:
            await engine.dispose()
