"""The archive's rules: append events that crossed a boundary, keep the chain, check it, and
empty what the retention policy no longer keeps. No HTTP, no SQL (repository.py)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.evidence import GENESIS, chain_hash, leaf_hash
from contracts.streams import subject_matches
from evidence.archive.models import ArchivedEvent
from evidence.archive.repository import ArchiveRepository

MAX_REFS = 50


def timestamp(moment: datetime) -> str:
    """How an entry's arrival is written in its leaf: UTC, microseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def refs_of(event: Mapping[str, Any]) -> list[str]:
    """What a case, household or person is found by: the event's subject and every id or
    national ID its data names (`card_id` is the household, `*national_id` a person)."""
    found = [str(event.get("subject", ""))]
    data = event.get("data")
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str) and (key.endswith("_id") or key.endswith("national_id")):
                    found.append(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return sorted({ref[:200] for ref in found if ref})[:MAX_REFS]


async def append(session: AsyncSession, events: Sequence[Mapping[str, Any]], *, now: datetime) -> int:
    """Append the signed CloudEvents (as they travelled) not archived yet; how many were new.
    Appends are serialised by a lock, so each entry chains from the one before it."""
    repo = ArchiveRepository(session)
    await repo.lock_chain()
    known = await repo.known([uuid.UUID(str(event["id"])) for event in events])
    head = await repo.head()
    sequence, previous = head if head else (0, GENESIS)
    received_at = timestamp(now)
    rows: list[dict[str, Any]] = []
    for event in events:
        event_id = uuid.UUID(str(event["id"]))
        if event_id in known:
            continue
        known.add(event_id)
        sequence += 1
        leaf = leaf_hash(sequence, received_at, event)
        chain = chain_hash(previous, leaf)
        rows.append(
            {
                "sequence": sequence, "event_id": event_id, "type": event["type"], "source": event["source"],
                "subject": str(event["subject"])[:200], "event_time": datetime.fromisoformat(event["time"]),
                "received_at": now, "event_json": json.dumps(event, ensure_ascii=False, separators=(",", ":")),
                "refs": refs_of(event), "leaf": leaf, "previous": previous, "chain": chain,
            }
        )  # fmt: skip
        previous = chain
    if rows:
        await repo.insert(rows)
    return len(rows)


def entry_leaf(entry: ArchivedEvent) -> str:
    """The leaf recomputed from the entry's content (the stored one once it was purged)."""
    if entry.event_json is None:
        return entry.leaf
    return leaf_hash(entry.sequence, timestamp(entry.received_at), json.loads(entry.event_json))


@dataclass(frozen=True)
class ChainCheck:
    valid: bool
    entries: int
    first_broken_sequence: int | None
    problem: str | None


async def verify_chain(session: AsyncSession, *, batch: int = 2000) -> ChainCheck:
    """Recompute every entry's leaf from its content and every link of the chain."""
    repo = ArchiveRepository(session)
    previous, expected, count, after = GENESIS, None, 0, 0
    while rows := await repo.after(after, limit=batch):
        for entry in rows:
            problem = _broken(entry, previous, expected)
            if problem:
                return ChainCheck(False, count, entry.sequence, problem)
            previous, expected, after = entry.chain, entry.sequence + 1, entry.sequence
            count += 1
    return ChainCheck(True, count, None, None)


def _broken(entry: ArchivedEvent, previous: str, expected: int | None) -> str | None:
    if expected is not None and entry.sequence != expected:
        return "missing_entry"
    if expected is not None and entry.previous != previous:
        return "broken_link"
    leaf = entry_leaf(entry)
    if leaf != entry.leaf:
        return "content_changed"
    if entry.chain != chain_hash(entry.previous, leaf):
        return "hash_changed"
    return None


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each type's content is kept: the longest matching pattern's days, or the default."""

    default_days: int
    by_type: Mapping[str, int]

    def days(self, event_type: str) -> int:
        matching = [pattern for pattern in self.by_type if subject_matches(pattern, event_type)]
        return self.by_type[max(matching, key=len)] if matching else self.default_days


async def purge_expired(
    session: AsyncSession, *, policy: RetentionPolicy, sealed_through: int, now: datetime, batch: int = 5000
) -> int:
    """Empty the content of sealed entries older than their type's retention; the hashes stay,
    so the chain and the other entries' proofs still hold."""
    repo = ArchiveRepository(session)
    shortest = min([policy.default_days, *policy.by_type.values()])
    candidates = await repo.purgeable(
        sealed_through=sealed_through, received_before=now - timedelta(days=shortest), limit=batch
    )
    due = [sequence for sequence, kind, received in candidates if received < now - timedelta(days=policy.days(kind))]
    return await repo.purge(due, now=now)
