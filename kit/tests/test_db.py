"""kit.db.serialize: transactions taking the same key pass one at a time (a limit's count-then-insert)."""

from __future__ import annotations

import asyncio

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
