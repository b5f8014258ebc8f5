"""The audit trail: append-only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ration.audit.models import AuditEntry


async def append(
    session: AsyncSession, *, actor: str, action: str, target_type: str, target_id: str, details: dict[str, Any]
) -> None:
    session.add(AuditEntry(actor=actor, action=action, target_type=target_type, target_id=target_id, details=details))
    await session.flush()


async def for_target(session: AsyncSession, *, target_id: str) -> list[AuditEntry]:
    rows = await session.scalars(select(AuditEntry).where(AuditEntry.target_id == target_id).order_by(AuditEntry.id))
    return list(rows)


async def last_of(session: AsyncSession, *, target_id: str, action: str) -> AuditEntry | None:
    query = (
        select(AuditEntry)
        .where(AuditEntry.target_id == target_id, AuditEntry.action == action)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return await session.scalar(query)
