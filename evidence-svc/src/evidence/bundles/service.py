"""Exports: the archived events a query selects, as a bundle an offline verifier checks end to
end (`python -m contracts verify BUNDLE`). No HTTP, no SQL (the repositories)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.evidence import MerkleTree, assemble_bundle
from evidence.archive.models import ArchivedEvent
from evidence.archive.repository import ArchiveRepository
from evidence.archive.service import timestamp
from evidence.bundles.keys import keys_for
from evidence.keys import TimestampingKeys
from evidence.seals.models import Seal
from evidence.seals.repository import SealRepository
from evidence.seals.service import seal_pending
from kit.errors import ProblemError
from kit.messaging.trust import TrustList
from kit.repository import decode_cursor, encode_cursor


@dataclass(frozen=True)
class Query:
    """Which events: every criterion given must hold (at least one is required)."""

    event_ids: Sequence[uuid.UUID] = ()
    subject: str | None = None
    household: str | None = None
    national_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def described(self) -> dict[str, Any]:
        """The query as the bundle records it."""
        values: dict[str, Any] = {
            "event_ids": sorted(str(i) for i in self.event_ids) or None,
            "subject": self.subject,
            "household": self.household,
            "national_id": self.national_id,
            "from": timestamp(self.since) if self.since else None,
            "to": timestamp(self.until) if self.until else None,
        }
        return {name: value for name, value in values.items() if value is not None}

    def check(self) -> None:
        if not self.described():
            raise ProblemError("evidence_query_empty", status=422)
        if self.since and self.until and self.until <= self.since:
            raise ProblemError("evidence_range_inverted", status=422)


@dataclass(frozen=True)
class Exporter:
    """What an export needs besides the database: the keys and where producers publish theirs."""

    keys: TimestampingKeys
    trust: TrustList
    """The consumer's trust list: the producers' keys."""
    max_events: int
    seal_max_events: int = 4096


async def export(
    session: AsyncSession, query: Query, *, exporter: Exporter, limit: int, cursor: str | None, now: datetime
) -> bytes:
    """One page of the bundle (at most `limit` events, in archive order): itself verifiable,
    with `next_cursor` naming the next page. Entries not sealed yet are sealed first."""
    query.check()
    after = int(decode_cursor(cursor, 1)[0]) if cursor else 0
    archive = ArchiveRepository(session)
    refs = [ref for ref in (query.household, query.national_id) if ref]
    rows = await archive.matching(
        event_ids=query.event_ids, subject=query.subject, refs=refs, since=query.since, until=query.until,
        after=after, limit=min(limit, exporter.max_events) + 1,
    )  # fmt: skip
    page, more = rows[: min(limit, exporter.max_events)], len(rows) > min(limit, exporter.max_events)
    seals = await _seals_for(session, page, exporter, now)
    entries = await _entries(archive, page, seals)
    events = [json.loads(row.event_json or "{}") for row in page]
    kids = sorted({str(event.get("signaturekid")) for event in events if event.get("signaturekid")})
    producer_keys = await keys_for(session, kids, trust=exporter.trust, now=now)
    return assemble_bundle(
        exporter.keys.active, events=entries, seals=[json.loads(seal.document) for seal in seals],
        producer_keys=producer_keys, timestamping_keys=exporter.keys.published, query=query.described(),
        exported_at=timestamp(now), next_cursor=encode_cursor([page[-1].sequence]) if more else None,
    )  # fmt: skip


async def _seals_for(
    session: AsyncSession, page: Sequence[ArchivedEvent], exporter: Exporter, now: datetime
) -> list[Seal]:
    sequences = [row.sequence for row in page]
    repo = SealRepository(session)
    last = await repo.last()
    if sequences and (last is None or last.last_sequence < max(sequences)):
        await seal_pending(session, key=exporter.keys.active, now=now, max_events=exporter.seal_max_events)
    return await repo.covering(sequences)


async def _entries(
    archive: ArchiveRepository, page: Sequence[ArchivedEvent], seals: Sequence[Seal]
) -> list[dict[str, Any]]:
    entries = []
    trees = {}
    for seal in seals:
        trees[seal.number] = (seal, MerkleTree(await archive.leaves(seal.first_sequence, seal.last_sequence)))
    for row in page:
        seal, tree = next(
            trees[n] for n, (s, _) in trees.items() if s.first_sequence <= row.sequence <= s.last_sequence
        )
        index = row.sequence - seal.first_sequence
        entries.append(
            {
                "sequence": row.sequence, "received_at": timestamp(row.received_at),
                "event": json.loads(row.event_json or "{}"), "previous": row.previous, "chain": row.chain,
                "seal": seal.number, "index": index, "proof": tree.proof(index),
            }
        )  # fmt: skip
    return entries
