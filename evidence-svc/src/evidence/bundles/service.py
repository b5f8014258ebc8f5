"""The rules of the `bundles` domain: no HTTP, no SQL (repository.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from evidence.bundles.models import Bundle
from evidence.bundles.repository import BundleRepository
from kit.errors import NotFound, ProblemError
from kit.repository import Page


async def create(session: AsyncSession, *, citizen_id: uuid.UUID, subject: str, max_open: int, now: datetime) -> Bundle:
    repo = BundleRepository(session)
    await repo.lock_citizen(citizen_id)
    if await repo.open_count(citizen_id) >= max_open:
        raise ProblemError("too_many_open_bundles", status=409, params={"limit": max_open})
    row = Bundle(id=uuid.uuid4(), citizen_id=citizen_id, subject=subject, status="open", created_at=now)
    return await repo.add(row)


async def get(session: AsyncSession, *, bundle_id: uuid.UUID, citizen_id: uuid.UUID) -> Bundle:
    """The citizen's own; anyone else's answers as if it did not exist."""
    found = await BundleRepository(session).get(bundle_id)
    if found is None or found.citizen_id != citizen_id:
        raise NotFound("bundle_not_found")
    return found


async def page_for(session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None) -> Page[Bundle]:
    return await BundleRepository(session).page_for(citizen_id, limit=limit, cursor=cursor)
