"""Async SQLAlchemy on asyncpg: engine, sessions, and the table conventions.

A service's tables live in its own schema, with named constraints. The request (or
the event handler) owns the transaction: `transaction(sessionmaker)` commits on
success and rolls back on error; service functions never commit.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import DateTime, MetaData, text
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_only

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


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    application_name: str = "shubbak",
    pool_timeout: float = 10.0,
    connect_timeout: float = 5.0,
    command_timeout: float | None = None,
) -> AsyncEngine:
    """`pool_timeout`: how long a request waits for a free connection; `connect_timeout`: for
    a new connection; `command_timeout`: for one statement (None: no limit, as bulk jobs need).
    Past any of them the caller gets an error that `unreachable()` recognises (503, not 500)."""
    connect_args: dict[str, Any] = {
        "server_settings": {"application_name": application_name},
        "timeout": connect_timeout,
    }
    if command_timeout is not None:
        connect_args["command_timeout"] = command_timeout
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_use_lifo=True,  # the same few connections stay busy, so they are seldom idle long enough to ping
        pool_timeout=pool_timeout,
        connect_args=connect_args,
    )
    ping_when_idle(engine, timeout=min(connect_timeout, command_timeout or connect_timeout))
    return engine


PING_IDLE_SECONDS = 1.0
"""A pooled connection idle this long is pinged before it is handed out (see `ping_when_idle`)."""


def ping_when_idle(engine: AsyncEngine, idle_seconds: float = PING_IDLE_SECONDS, *, timeout: float = 5.0) -> None:
    """Before handing out a pooled connection that has been idle `idle_seconds` or more, ping it
    (`ping`); if the ping fails or takes longer than `timeout`, the connection is dropped at once,
    the whole pool invalidated and a new connection made, as SQLAlchemy's `pool_pre_ping` does,
    which pings on every checkout. Its ping is three round trips (BEGIN, an empty statement,
    ROLLBACK): on every checkout it was a second transaction for each one a request or handler made
    (pg_stat_database: as many rollbacks as commits in every service's database); and it has no
    deadline but the statement timeout (none by default), then closes the dead connection
    gracefully (2 s more), so a request meeting a hung server waited for both before even trying
    to connect. A connection used a moment ago is handed out as it is: if the server went away in
    that moment the statement fails, the pool is invalidated on that disconnect as before, and the
    caller gets the 503 `unreachable()` makes of it. A new connection is not pinged.
    `create_engine` gives the ping as long as a new connection may take (at most a statement's
    limit): a server that cannot answer `SELECT 1` in that time is no quicker to use."""
    sync_engine = engine.sync_engine

    @sa_event.listens_for(sync_engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @sa_event.listens_for(sync_engine, "checkout")
    def _handed_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")  # none on a new connection (info is cleared on reconnect)
        if returned is None or time.monotonic() - returned < idle_seconds:
            return
        driver = dbapi_connection.driver_connection
        try:
            await_only(ping(driver, timeout))
        except Exception as exc:  # any failure: drop it without waiting on the link again, then reconnect
            driver.terminate()
            raise sa_exc.InvalidatePoolError() from exc


async def ping(connection: asyncpg.Connection, timeout: float) -> None:
    """`SELECT 1`, one round trip on the simple protocol (no prepared statement, so a
    transaction-pooling pgbouncer in between is fine), within `timeout`. (Not an empty query:
    asyncpg fails on the status-less answer it gets.)"""
    await connection.execute("SELECT 1", timeout=timeout)


_ASYNCPG_UNREACHABLE = (
    asyncpg.PostgresConnectionError,  # class 08: connection failure, connection does not exist
    asyncpg.CannotConnectNowError,  # 57P03: starting up, shutting down, in recovery
    asyncpg.AdminShutdownError,  # 57P01: the server was stopped under the connection
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,  # 53300
    asyncpg.InterfaceError,  # "connection is closed"
)
_UNREACHABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # no free connection in the pool within pool_timeout
    OSError,  # connection refused or reset, host unreachable, DNS (socket.gaierror), "Multiple exceptions"
    TimeoutError,  # asyncpg's connect or command timeout
    *_ASYNCPG_UNREACHABLE,
)
UNREACHABLE_ERRORS: tuple[type[Exception], ...] = (sa_exc.DBAPIError, *_UNREACHABLE)
"""Exception classes that may mean an unreachable database (`unreachable()` decides)."""
_LOCAL_FILES = (FileNotFoundError, FileExistsError, PermissionError, IsADirectoryError, NotADirectoryError)


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database could not be reached or used at all
    (refused, reset, shut down, no free connection), as opposed to a statement that failed.
    A superset on purpose: callers that act on it for long (a paused consumer) confirm with
    `reachable()` first."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, _UNREACHABLE) and not isinstance(current, _LOCAL_FILES):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


async def reachable(engine: AsyncEngine, timeout: float = 5.0) -> bool:
    """One `SELECT 1` on a connection from the pool, within `timeout`."""
    try:
        async with asyncio.timeout(timeout), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means not reachable now
        return False


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
