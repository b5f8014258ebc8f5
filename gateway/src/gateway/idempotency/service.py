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

Answers are kept sealed (kit.sealing, AES-GCM under the gateway's secrets key, bound to the
caller and key), never in clear. Decision: seal rather than not store. A sign-in's answer
carries an access and a refresh token, a webhook subscription's its signing secret, and the
reason for a key is exactly that a client whose connection dropped gets that answer again by
retrying (the code was consumed: asking identity again would answer "code already used").
Not storing credential-bearing answers would break that retry, and any rule for telling them
apart can miss one; sealing every answer keeps the retry and leaves a database dump or backup
with nothing usable. Answers stored in clear by an older gateway are sealed when replayed and
by the gateway's periodic pass (within PURGE_INTERVAL_SECONDS of an upgrade).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.idempotency import repository
from kit import i18n
from kit.clock import Clock
from kit.db import transaction
from kit.errors import FieldError, ProblemError
from kit.sealing import Sealer

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


def seal(sealer: Sealer, *, caller: str, key: str, answer: Stored) -> bytes:
    headers = json.dumps(answer.headers, separators=(",", ":")).encode()
    return sealer.seal(len(headers).to_bytes(4, "big") + headers + answer.body, context=_context(caller, key))


def unseal(sealer: Sealer, *, caller: str, key: str, status: int, sealed: bytes) -> Stored:
    raw = sealer.open(sealed, context=_context(caller, key))
    size = int.from_bytes(raw[:4], "big")
    return Stored(status, json.loads(raw[4 : 4 + size]), raw[4 + size :])


def _context(caller: str, key: str) -> str:
    return f"idempotency\n{caller}\n{key}"


async def begin(
    sessions: async_sessionmaker[AsyncSession],
    sealer: Sealer,
    *,
    clock: Clock,
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
        now = clock.now()
        values: repository.Claim = {
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
                if row.sealed:
                    return unseal(sealer, caller=caller, key=key, status=row.status, sealed=row.body or b"")
                stored = Stored(row.status, row.headers or [], row.body or b"")  # stored in clear before sealing
                row.body, row.headers, row.sealed = seal(sealer, caller=caller, key=key, answer=stored), None, True
                return stored
        if waited >= wait_seconds:
            raise ProblemError("idempotency_in_progress", status=409, headers={"Retry-After": "1"})
        await asyncio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.25)


async def finish(
    sessions: async_sessionmaker[AsyncSession],
    sealer: Sealer,
    *,
    caller: str,
    key: str,
    answer: Stored | None,
) -> None:
    """Keep the answer (sealed) to replay, or release the key (no answer, or a server error)."""
    async with transaction(sessions) as session:
        if answer is None or answer.status >= 500:
            await repository.release(session, caller=caller, key=key)
        else:
            sealed = seal(sealer, caller=caller, key=key, answer=answer)
            await repository.complete(session, caller=caller, key=key, status=answer.status, sealed=sealed)


async def seal_clear_answers(sessions: async_sessionmaker[AsyncSession], sealer: Sealer) -> int:
    """Seal a batch of answers an older gateway stored in clear; how many (0: none left)."""
    async with transaction(sessions) as session:
        rows = await repository.clear_answers(session)
        for row in rows:
            assert row.status is not None
            stored = Stored(row.status, row.headers or [], row.body or b"")
            row.body, row.headers, row.sealed = seal(sealer, caller=row.caller, key=row.key, answer=stored), None, True
        return len(rows)


async def finish_eventually(
    sessions: async_sessionmaker[AsyncSession],
    sealer: Sealer,
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
            await finish(sessions, sealer, caller=caller, key=key, answer=answer)
        except (SQLAlchemyError, OSError):
            continue
        return True
    return False


async def purge(sessions: async_sessionmaker[AsyncSession], *, now: datetime) -> int:
    async with transaction(sessions) as session:
        return await repository.purge_expired(session, now=now)
