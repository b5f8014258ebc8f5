"""Async SQLAlchemy on asyncpg: engine, sessions, and the table conventions.

A service's tables live in its own schema, with named constraints. The request (or
the event handler) owns the transaction: `transaction(sessionmaker)` commits on
success and rolls back on error; service functions never commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, text
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TYPE_ANNOTATION_MAP: dict[Any, Any] = {datetime: DateTime(timezone=True)}


def metadata(schema: str) -> MetaData:
    """MetaData for a service: its own schema and the naming convention."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def create_engine(url: str, *, pool_size: int = 10, application_name: str = "shubbak") -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={"server_settings": {"application_name": application_name}, "timeout": 10},
    )


def sessionmaker(engine: AsyncEngine, **info: Any) -> async_sessionmaker[AsyncSession]:
    """Sessions that don't expire on commit; `info` (outbox table, source) rides on each session."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run `callback` once if (and when) the session's current transaction commits."""
    sa_event.listen(session.sync_session, "after_commit", lambda _session: callback(), once=True)


async def snapshot(session: AsyncSession) -> None:
    """Make the session's transaction read one snapshot (REPEATABLE READ, read only).

    Under READ COMMITTED each statement sees what committed before *it*, so a view built from
    several reads (a card, then its members, then its decisions) can mix a before and an after.
    Call this before the first statement of a read-only request."""
    await session.connection(execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True})


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit if the block succeeds, roll back if it raises."""
    async with factory() as session, session.begin():
        yield session


async def serialize(session: AsyncSession, *key: object) -> None:
    """Hold a lock on `key` until the session's transaction ends (a PostgreSQL transaction-level
    advisory lock): transactions taking the same key pass this point one at a time.

    For limits that protect a resource ("at most 20 open requests per citizen"): count and
    insert under the lock, so concurrent requests cannot all count 19 and all insert. Take it
    as late as possible (after slow calls to other services), re-check under it, then write."""
    digest = hashlib.blake2b("\x1f".join(map(str, key)).encode(), digest_size=8).digest()
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:key)"), {"key": int.from_bytes(digest, "big", signed=True)}
    )
