"""All SQL of the access log (an append-only hash chain)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, text

from identity.accesslog.models import AccessEntry
from kit.repository import Page, Repository


class AccessLogRepository(Repository[AccessEntry]):
    model = AccessEntry
    order = (AccessEntry.seq,)

    async def lock_chain(self) -> None:
        """Appends one at a time (until the transaction ends), so the chain has no forks."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('identity.access_log'))"))

    async def last(self) -> tuple[int, bytes] | None:
        """The last entry's sequence number and hash."""
        row = (
            await self.session.execute(
                select(AccessEntry.seq, AccessEntry.hash).order_by(AccessEntry.seq.desc()).limit(1)
            )
        ).first()
        return (row[0], row[1]) if row is not None else None

    async def for_citizen(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[AccessEntry]:
        return await self.paginate(
            select(AccessEntry).where(AccessEntry.citizen_id == citizen_id), limit=limit, cursor=cursor
        )

    async def after(self, seq: int, *, limit: int) -> Sequence[AccessEntry]:
        """Up to `limit` entries after `seq`, in order."""
        query = select(AccessEntry).where(AccessEntry.seq > seq).order_by(AccessEntry.seq).limit(limit)
        return list(await self.session.scalars(query))
