"""All SQL of the archive's entries and the producers' keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from evidence.archive.models import ArchivedEvent, ProducerKey
from kit.repository import Repository

CHAIN_LOCK = "evidence.archive.chain"


class ArchiveRepository(Repository[ArchivedEvent]):
    model = ArchivedEvent
    order = (ArchivedEvent.sequence,)

    async def lock_chain(self) -> None:
        """Serialise appends (and seals), so the chain has no forks."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": CHAIN_LOCK})

    async def head(self) -> tuple[int, str] | None:
        """The last entry's sequence and chain hash."""
        query = select(ArchivedEvent.sequence, ArchivedEvent.chain).order_by(ArchivedEvent.sequence.desc()).limit(1)
        row = (await self.session.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def known(self, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        query = select(ArchivedEvent.event_id).where(ArchivedEvent.event_id.in_(event_ids))
        return set((await self.session.scalars(query)).all())

    async def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        await self.session.execute(insert(ArchivedEvent), list(rows))

    async def after(self, sequence: int, *, limit: int) -> Sequence[ArchivedEvent]:
        query = select(ArchivedEvent).where(ArchivedEvent.sequence > sequence).order_by(ArchivedEvent.sequence)
        return (await self.session.scalars(query.limit(limit))).all()

    async def hashes_after(self, sequence: int, *, limit: int) -> list[tuple[int, str, str]]:
        """(sequence, leaf, chain) of the entries after `sequence`: what a seal needs, no content."""
        query = (
            select(ArchivedEvent.sequence, ArchivedEvent.leaf, ArchivedEvent.chain)
            .where(ArchivedEvent.sequence > sequence)
            .order_by(ArchivedEvent.sequence)
            .limit(limit)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(query)).all()]

    async def leaves(self, first: int, last: int) -> list[str]:
        query = (
            select(ArchivedEvent.leaf)
            .where(ArchivedEvent.sequence.between(first, last))
            .order_by(ArchivedEvent.sequence)
        )
        return list((await self.session.scalars(query)).all())

    async def matching(
        self,
        *,
        event_ids: Sequence[uuid.UUID] = (),
        subject: str | None = None,
        refs: Sequence[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        after: int = 0,
        limit: int,
    ) -> Sequence[ArchivedEvent]:
        """Entries still holding their content that match every criterion given, by sequence."""
        query = select(ArchivedEvent).where(ArchivedEvent.event_json.is_not(None), ArchivedEvent.sequence > after)
        if event_ids:
            query = query.where(ArchivedEvent.event_id.in_(event_ids))
        if subject is not None:
            query = query.where(ArchivedEvent.subject == subject)
        if refs:
            query = query.where(ArchivedEvent.refs.contains(list(refs)))
        if since is not None:
            query = query.where(ArchivedEvent.event_time >= since)
        if until is not None:
            query = query.where(ArchivedEvent.event_time < until)
        return (await self.session.scalars(query.order_by(ArchivedEvent.sequence).limit(limit))).all()

    async def purgeable(
        self, *, sealed_through: int, received_before: datetime, limit: int
    ) -> list[tuple[int, str, datetime]]:
        """Sealed entries still holding content, received before the given time: (sequence,
        type, received_at)."""
        query = (
            select(ArchivedEvent.sequence, ArchivedEvent.type, ArchivedEvent.received_at)
            .where(
                ArchivedEvent.event_json.is_not(None),
                ArchivedEvent.sequence <= sealed_through,
                ArchivedEvent.received_at < received_before,
            )
            .order_by(ArchivedEvent.sequence)
            .limit(limit)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(query)).all()]

    async def purge(self, sequences: Sequence[int], *, now: datetime) -> int:
        """Empty these entries' content (retention); the trigger admits only this update."""
        if not sequences:
            return 0
        await self.session.execute(text("SET LOCAL evidence.purge = 'on'"))
        result = await self.session.execute(
            update(ArchivedEvent)
            .where(ArchivedEvent.sequence.in_(sequences))
            .values(event_json=None, refs=[], purged_at=now)
        )
        await self.session.execute(text("SET LOCAL evidence.purge = 'off'"))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]  # Result has it for an UPDATE

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(ArchivedEvent)) or 0)


class KeyRepository(Repository[ProducerKey]):
    model = ProducerKey
    order = (ProducerKey.kid,)

    async def of(self, kids: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = await self.session.scalars(select(ProducerKey).where(ProducerKey.kid.in_(kids)))
        return {row.kid: dict(row.jwk) for row in rows}

    async def save(self, jwks: Sequence[dict[str, Any]], *, now: datetime) -> None:
        if not jwks:
            return
        statement = insert(ProducerKey).values([{"kid": j["kid"], "jwk": j, "fetched_at": now} for j in jwks])
        excluded = statement.excluded
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[ProducerKey.kid], set_={"jwk": excluded.jwk, "fetched_at": excluded.fetched_at}
            )
        )
