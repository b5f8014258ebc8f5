"""All SQL of the idempotency store."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.idempotency.models import IdempotentRequest

T = IdempotentRequest


class Claim(TypedDict):
    """What `claim` and `take_over` write: the key, the request it belongs to and its times."""

    caller: str
    key: str
    fingerprint: str
    method: str
    path: str
    now: datetime
    locked_until: datetime
    expires_at: datetime


async def claim(
    session: AsyncSession,
    *,
    caller: str,
    key: str,
    fingerprint: str,
    method: str,
    path: str,
    now: datetime,
    locked_until: datetime,
    expires_at: datetime,
) -> bool:
    """Insert the key as in flight; False if it is already there."""
    statement = (
        insert(T)
        .values(
            caller=caller,
            key=key,
            fingerprint=fingerprint,
            method=method,
            path=path,
            created_at=now,
            locked_until=locked_until,
            expires_at=expires_at,
        )
        .on_conflict_do_nothing(index_elements=[T.caller, T.key])
        .returning(T.key)
    )
    return (await session.execute(statement)).first() is not None


async def get(session: AsyncSession, *, caller: str, key: str) -> IdempotentRequest | None:
    return await session.get(T, (caller, key), populate_existing=True)


async def take_over(
    session: AsyncSession,
    *,
    caller: str,
    key: str,
    fingerprint: str,
    method: str,
    path: str,
    now: datetime,
    locked_until: datetime,
    expires_at: datetime,
) -> bool:
    """Re-claim a key that expired, or whose holder stopped answering (crashed gateway)."""
    statement = (
        update(T)
        .where(
            T.caller == caller,
            T.key == key,
            or_(T.expires_at <= now, and_(T.status.is_(None), T.locked_until <= now)),
        )
        .values(
            fingerprint=fingerprint,
            method=method,
            path=path,
            status=None,
            headers=None,
            body=None,
            sealed=False,
            created_at=now,
            locked_until=locked_until,
            expires_at=expires_at,
        )
        .returning(T.key)
    )
    return (await session.execute(statement)).first() is not None


async def complete(session: AsyncSession, *, caller: str, key: str, status: int, sealed: bytes) -> None:
    statement = (
        update(T)
        .where(T.caller == caller, T.key == key, T.status.is_(None))
        .values(status=status, headers=None, body=sealed, sealed=True)
    )
    await session.execute(statement)


async def clear_answers(session: AsyncSession, *, limit: int = 500) -> list[IdempotentRequest]:
    """Answers stored in clear (before answers were sealed), locked for sealing."""
    query = select(T).where(T.status.is_not(None), T.sealed.is_(False)).limit(limit).with_for_update(skip_locked=True)
    return list((await session.scalars(query)).all())


async def release(session: AsyncSession, *, caller: str, key: str) -> None:
    """Forget an in-flight key whose request got no answer worth replaying."""
    await session.execute(delete(T).where(T.caller == caller, T.key == key, T.status.is_(None)))


async def purge_expired(session: AsyncSession, *, now: datetime, limit: int = 1000) -> int:
    expired = select(T.caller, T.key).where(T.expires_at <= now).limit(limit).with_for_update(skip_locked=True)
    rows = (await session.execute(expired)).all()
    for caller, key in rows:
        await session.execute(delete(T).where(T.caller == caller, T.key == key))
    return len(rows)
