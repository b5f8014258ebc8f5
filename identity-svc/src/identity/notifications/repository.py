"""All SQL of the notification SMS queue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from identity.notifications.models import OutgoingSms
from kit.repository import Page, Repository


class OutgoingSmsRepository(Repository[OutgoingSms]):
    model = OutgoingSms
    order = (OutgoingSms.created_at, OutgoingSms.id)

    async def queue_once(
        self, *, event_id: uuid.UUID, citizen_id: uuid.UUID, mobile: str, kind: str, body: str, at: datetime
    ) -> bool:
        """Queue the SMS for `event_id` unless one is queued for it already; whether it was."""
        queued = await self.session.scalar(
            insert(OutgoingSms)
            .values(
                id=uuid.uuid4(),
                event_id=event_id,
                citizen_id=citizen_id,
                mobile=mobile,
                kind=kind,
                body=body,
                created_at=at,
                attempts=0,
                next_attempt_at=at,
            )
            .on_conflict_do_nothing(index_elements=[OutgoingSms.event_id])
            .returning(OutgoingSms.id)
        )
        return queued is not None

    async def claim_due(self, *, at: datetime, limit: int) -> Sequence[OutgoingSms]:
        """Up to `limit` SMS due at `at`, oldest due first, locked until the transaction ends; rows
        another instance holds are skipped, so several instances share the work."""
        query = (
            select(OutgoingSms)
            .where(OutgoingSms.sent_at.is_(None), OutgoingSms.next_attempt_at <= at)
            .order_by(OutgoingSms.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(await self.session.scalars(query))

    async def for_citizen(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[OutgoingSms]:
        """The citizen's notifications, newest first."""
        query = select(OutgoingSms).where(OutgoingSms.citizen_id == citizen_id)
        return await self.paginate(query, limit=limit, cursor=cursor, newest_first=True)
