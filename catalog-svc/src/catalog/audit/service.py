"""Writing and reading the audit trail (written in the same transaction as the change)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.audit.models import AuditEntry
from catalog.audit.repository import AuditRepository
from catalog.audit.schemas import AuditEntryOut, AuditPage
from kit.auth import Caller
from kit.context import current_request_id


async def write(
    session: AsyncSession,
    *,
    caller: Caller,
    action: str,
    service_code: str,
    target: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
    now: datetime,
) -> None:
    await AuditRepository(session).add(
        AuditEntry(
            at=now,
            actor=caller.subject,
            actor_kind=caller.kind,
            action=action,
            service_code=service_code,
            target=target,
            before=before,
            after=after,
            reason=reason,
            request_id=current_request_id(),
        )
    )


async def page(session: AsyncSession, *, service_code: str, limit: int, cursor: str | None) -> AuditPage:
    result = await AuditRepository(session).page_of(service_code, limit=limit, cursor=cursor)
    return AuditPage(
        items=[AuditEntryOut.model_validate(e) for e in result.items],
        next_cursor=result.next_cursor,
    )
