"""The rules of `Idempotency-Key` (after the IETF httpapi idempotency-key draft):

- the first request with a (caller, key) holds the key while it is in flight;
- the same key with the same method, path, query and body gets the first answer again,
  with `Idempotent-Replayed: true`; a different request with the key is refused (422);
- a duplicate arriving while the first is in flight waits for its answer (one upstream
  call), or gets 409 with Retry-After if that takes too long;
- answers with status >= 500, or no answer at all, are not kept: the key is released so
  the client may retry; a holder that crashed is replaced once its lock lapses;
- if the gateway's own database is away when the answer comes, the gateway keeps trying to
  store it (or release the key) in the background, so a client retrying after the database
  is back is answered then, not when the lock lapses a minute later.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.idempotency import repository
from kit import i18n
from kit.db import transaction
from kit.errors import FieldError, ProblemError

MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Stored:
    status: int
    headers: list[list[str]]
    body: bytes


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ProblemError(
            "validation_failed",
            status=422,
            errors=[FieldError(field="header.Idempotency-Key", reason=_bad_key_reason(), code="idempotency_key")],
        )
    return key


def _bad_key_reason() -> str:
    return i18n.text("validation.idempotency_key", max=MAX_KEY_LENGTH)


async def begin(
    sessions: async_sessionmaker[AsyncSession],
    *,
    caller: str,
    key: str,
    fingerprint: str,
    method: str,
    path: str,
    lock_seconds: float,
    ttl_seconds: float,
    wait_seconds: float,
) -> Stored | None:
    """None: the caller now holds the key and must `finish` it. Else the answer to replay."""
    delay, waited = 0.02, 0.0
    while True:
        now = datetime.now(UTC)
        values = {
            "caller": caller,
            "key": key,
            "fingerprint": fingerprint,
            "method": method,
            "path": path,
            "now": now,
            "locked_until": now + timedelta(seconds=lock_seconds),
            "expires_at": now + timedelta(seconds=ttl_seconds),
        }
        async with transaction(sessions) as session:
            if await repository.claim(session, **values):
                return None
            row = await repository.get(session, caller=caller, key=key)
            if row is None:
                continue  # released between the two statements
            stale = row.expires_at <= now or (row.status is None and row.locked_until <= now)
            if stale and await repository.take_over(session, **values):
                return None
            if row.fingerprint != fingerprint:
                raise ProblemError("idempotency_key_reused", status=422)
            if row.status is not None:
                return Stored(row.status, row.headers or [], row.body or b"")
        if waited >= wait_seconds:
            raise ProblemError("idempotency_in_progress", status=409, headers={"Retry-After": "1"})
        await asyncio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.25)


async def finish(
    sessions: async_sessionmaker[AsyncSession],
    *,
    caller: str,
    key: str,
    answer: Stored | None,
) -> None:
    """Keep the answer to replay, or release the key (no answer, or a server error)."""
    async with transaction(sessions) as session:
        if answer is None or answer.status >= 500:
            await repository.release(session, caller=caller, key=key)
        else:
            await repository.complete(
                session, caller=caller, key=key, status=answer.status, headers=answer.headers, body=answer.body
            )


async def finish_eventually(
    sessions: async_sessionmaker[AsyncSession],
    *,
    caller: str,
    key: str,
    answer: Stored | None,
    within: float,
    pause: float = 1.0,
) -> bool:
    """`finish` again every `pause` seconds until it works or `within` seconds have passed (then
    the key's lock has lapsed anyway). True once the answer is kept or the key released."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        await asyncio.sleep(pause)
        try:
            await finish(sessions, caller=caller, key=key, answer=answer)
        except (SQLAlchemyError, OSError):
            continue
        return True
    return False


async def purge(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessions) as session:
        return await repository.purge_expired(session, now=datetime.now(UTC))
