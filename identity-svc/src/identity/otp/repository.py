from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.otp.models import OtpChallenge, ThrottleHit
from kit.db import serialize
from kit.repository import Repository


class ChallengeRepository(Repository[OtpChallenge]):
    model = OtpChallenge
    order = (OtpChallenge.created_at, OtpChallenge.id)

    async def get_for_update(self, challenge_id: uuid.UUID) -> OtpChallenge | None:
        return await self.session.get(OtpChallenge, challenge_id, with_for_update=True)


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
