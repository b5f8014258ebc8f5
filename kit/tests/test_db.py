"""kit.db.serialize: transactions taking the same key pass one at a time (a limit's count-then-insert);
kit.db's pool pings a connection only after it has been idle, and replaces a dead one unseen."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

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


async def test_a_connection_is_pinged_only_after_idling_and_a_dead_one_is_replaced_unseen(pg_database, monkeypatch):
    url = pg_database()
    engine = db.create_engine(url, pool_size=1)
    killer = db.create_engine(url, pool_size=1)
    pings: list[object] = []
    ping = engine.sync_engine.dialect.do_ping
    monkeypatch.setattr(engine.sync_engine.dialect, "do_ping", lambda c: pings.append(c) or ping(c))
    try:
        for _ in range(5):  # one connection, handed out again and again within the idle bound
            async with engine.connect() as conn:
                first = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert pings == []  # not pinged while in use (the pre-ping of every checkout is gone)
        async with killer.connect() as conn:  # the server drops it while it idles (a restart, a proxy)
            assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        await asyncio.sleep(db.PING_IDLE_SECONDS + 0.2)
        async with engine.connect() as conn:  # idle long enough: pinged, found dead, replaced
            again = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert len(pings) == 1
        assert again != first
    finally:
        await engine.dispose()
        await killer.dispose()
