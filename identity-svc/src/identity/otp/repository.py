from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.otp.models import OtpChallenge, ThrottleHit
from kit.db import serialize
from kit.repository import Repository


class ChallengeRepository(Repository[OtpChallenge]):
    model = OtpChallenge
    order = (OtpChallenge.created_at, OtpChallenge.id)

    async def last_locked(
        self, *, purpose: str, national_id: str, mobile: str | None, since: datetime
    ) -> datetime | None:
        """When the latest challenge of `purpose` for this national ID (or mobile) locked, if after `since`."""
        who = OtpChallenge.national_id == national_id
        if mobile is not None:
            who = or_(who, OtpChallenge.mobile == mobile)
        query = select(func.max(OtpChallenge.locked_at)).where(
            who, OtpChallenge.purpose == purpose, OtpChallenge.status == "locked", OtpChallenge.locked_at > since
        )
        found: datetime | None = await self.session.scalar(query)
        return found


class ThrottleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, bucket: str, key: str) -> None:
        """Serialise counting for one key, so parallel requests cannot slip past a limit."""
        await serialize(self.session, "identity.throttle", bucket, key)

    async def hits_since(self, bucket: str, key: str, since: datetime) -> tuple[int, datetime | None]:
        query = select(func.count(), func.min(ThrottleHit.at)).where(
            ThrottleHit.bucket == bucket, ThrottleHit.key == key, ThrottleHit.at > since
        )
        count, oldest = (await self.session.execute(query)).one()
        return int(count), oldest

    async def add(self, bucket: str, key: str, at: datetime) -> None:
        await self.session.execute(insert(ThrottleHit).values(bucket=bucket, key=key, at=at))

    async def forget_before(self, at: datetime) -> None:
        """Drop a few hits older than every window (each request clears some: the table stays small)."""
        await prune(self.session, ThrottleHit.id, ThrottleHit.at, before=at)


async def prune(session: AsyncSession, id_column: Any, at_column: Any, *, before: datetime, batch: int = 100) -> None:
    """Delete up to `batch` of a table's oldest rows dated before `before` (rows another transaction
    is deleting are skipped, so two requests cleaning up never wait for each other)."""
    old = select(id_column).where(at_column < before).order_by(at_column).limit(batch).with_for_update(skip_locked=True)
    await session.execute(delete(id_column.table).where(id_column.in_(old.scalar_subquery())))
