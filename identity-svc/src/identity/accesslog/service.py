"""Every staff view and action on citizen data, in an append-only hash chain.

hash(n) = SHA-256(hash(n-1) ‖ canonical JSON of entry n); the first entry chains from 32
zero bytes. Appends are serialised by a transaction-level advisory lock, so the chain has
no forks; UPDATE and DELETE are refused by a trigger. An auditor recomputes the chain.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from identity.accesslog.models import AccessEntry
from identity.accesslog.repository import AccessLogRepository
from identity.staff.models import StaffMember
from kit.repository import Page

GENESIS = b"\0" * 32


def canonical(entry: AccessEntry) -> bytes:
    at = entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [entry.seq, str(entry.citizen_id), str(entry.staff_id), entry.staff_username, entry.staff_roles,
              entry.action, entry.reason, at]  # fmt: skip
    if entry.office_id is not None:  # only entries with an office carry it, so older hashes still hold
        fields.append(entry.office_id)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def chain(prev: bytes, entry: AccessEntry) -> bytes:
    return hashlib.sha256(prev + canonical(entry)).digest()


async def append(
    session: AsyncSession,
    *,
    citizen_id: uuid.UUID,
    staff: StaffMember,
    action: str,
    now: datetime,
    reason: str | None = None,
    office_id: str | None = None,
) -> AccessEntry:
    repo = AccessLogRepository(session)
    await repo.lock_chain()
    last = await repo.last()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    entry = AccessEntry(
        seq=seq, citizen_id=citizen_id, staff_id=staff.id, staff_username=staff.username,
        staff_roles=",".join(staff.roles), action=action, reason=reason, office_id=office_id, at=now,
        prev_hash=prev,
    )  # fmt: skip
    entry.hash = chain(prev, entry)
    return await repo.add(entry)


async def for_citizen(
    session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[AccessEntry]:
    return await AccessLogRepository(session).for_citizen(citizen_id, limit=limit, cursor=cursor)


@dataclass(frozen=True)
class Verification:
    valid: bool
    entries: int
    first_broken_seq: int | None


async def verify_chain(session: AsyncSession, *, batch: int = 2000) -> Verification:
    repo = AccessLogRepository(session)
    prev, expected_seq, count, after = GENESIS, 1, 0, 0
    while True:
        rows = await repo.after(after, limit=batch)
        if not rows:
            return Verification(valid=True, entries=count, first_broken_seq=None)
        for entry in rows:
            if entry.seq != expected_seq or entry.prev_hash != prev or entry.hash != chain(prev, entry):
                return Verification(valid=False, entries=count, first_broken_seq=entry.seq)
            prev, expected_seq, count, after = entry.hash, entry.seq + 1, count + 1, entry.seq
