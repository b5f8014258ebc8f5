"""Definitions: drafts, publication (checked whole, refused with every problem), retirement;
one published version per service; every change audited and announced."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications.definitions.models import Definition, DefinitionAudit
from applications.definitions.repository import AuditRepository, DefinitionRepository
from applications.definitions.schemas import DefinitionBody, DefinitionIn, DefinitionOut
from applications.definitions.validation import TariffCheck, problems
from contracts.events.applications import DefinitionPublished, DefinitionRetired
from kit import i18n
from kit.errors import NotFound, ProblemError
from kit.messaging import record
from kit.repository import Page


def out(row: Definition) -> DefinitionOut:
    return DefinitionOut(
        id=row.id,
        service_code=row.service_code,
        version=row.version,
        status=row.status,
        body=DefinitionBody.model_validate(row.body),
        created_by=row.created_by,
        created_at=row.created_at,
        published_at=row.published_at,
        retired_at=row.retired_at,
    )


async def _audit(
    session: AsyncSession,
    row: Definition,
    *,
    action: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    entry = DefinitionAudit(
        id=uuid.uuid4(),
        definition_id=row.id,
        service_code=row.service_code,
        action=action,
        actor=actor,
        reason=reason,
        detail=detail or {},
        at=now,
    )
    await AuditRepository(session).add(entry)


async def create(session: AsyncSession, *, body: DefinitionIn, actor: str, now: datetime) -> Definition:
    """A new draft version of the service's definition."""
    repo = DefinitionRepository(session)
    await repo.lock_service(body.service_code)
    version = await repo.next_version(body.service_code)
    content = DefinitionBody.model_validate(body.model_dump(exclude={"service_code"})).model_dump(mode="json")
    row = Definition(
        id=uuid.uuid4(),
        service_code=body.service_code,
        version=version,
        status="draft",
        body=content,
        created_by=actor,
        created_at=now,
        updated_at=now,
        published_at=None,
        retired_at=None,
    )
    await repo.add(row)
    await _audit(session, row, action="drafted", actor=actor, now=now, detail={"version": version})
    return row


async def get(session: AsyncSession, *, definition_id: uuid.UUID, lock: bool = False) -> Definition:
    row = await DefinitionRepository(session).get(definition_id, for_update=lock)
    if row is None:
        raise NotFound("definition_not_found")
    return row


def _conflict(row: Definition) -> ProblemError:
    words = i18n.Words(
        ar=i18n.text(f"applications.status.{row.status}", "ar"), en=i18n.text(f"applications.status.{row.status}", "en")
    )
    return ProblemError("definition_state_conflict", status=409, params={"status": words})


async def update(
    session: AsyncSession, *, definition_id: uuid.UUID, body: DefinitionBody, actor: str, now: datetime
) -> Definition:
    """A draft's content is replaced; a published or retired version never changes."""
    row = await get(session, definition_id=definition_id, lock=True)
    if row.status != "draft":
        raise _conflict(row)
    row.body, row.updated_at = body.model_dump(mode="json"), now
    await _audit(session, row, action="edited", actor=actor, now=now)
    return row


async def publish(
    session: AsyncSession, *, definition_id: uuid.UUID, reason: str, actor: str, tariff: TariffCheck, now: datetime
) -> Definition:
    """Checked whole; refused (422) naming every problem. The version published before is retired."""
    row = await get(session, definition_id=definition_id)
    repo = DefinitionRepository(session)
    await repo.lock_service(row.service_code)
    row = await get(session, definition_id=definition_id, lock=True)
    if row.status != "draft":
        raise _conflict(row)
    errors = await problems(DefinitionBody.model_validate(row.body), service_code=row.service_code, tariff=tariff)
    if errors:
        raise ProblemError("definition_invalid", status=422, errors=errors, params={"count": len(errors)})
    before = await repo.published(row.service_code, for_update=True)
    if before is not None:
        await _retire(session, before, reason=reason, actor=actor, now=now, successor=row.version)
    row.status, row.published_at, row.updated_at = "published", now, now
    await session.flush()
    await _audit(session, row, action="published", actor=actor, now=now, reason=reason)
    body = DefinitionBody.model_validate(row.body)
    await record(
        session,
        DefinitionPublished(
            definition_id=row.id,
            service_code=row.service_code,
            definition_version=row.version,
            fulfilment=body.fulfilment.kind,
            review=body.review.mode,
            published_at=now,
        ),
    )
    return row


async def retire(
    session: AsyncSession, *, definition_id: uuid.UUID, reason: str, actor: str, now: datetime
) -> Definition:
    row = await get(session, definition_id=definition_id, lock=True)
    if row.status != "published":
        raise _conflict(row)
    await _retire(session, row, reason=reason, actor=actor, now=now, successor=None)
    return row


async def _retire(
    session: AsyncSession, row: Definition, *, reason: str, actor: str, now: datetime, successor: int | None
) -> None:
    row.status, row.retired_at, row.updated_at = "retired", now, now
    await session.flush()
    await _audit(
        session, row, action="retired", actor=actor, now=now, reason=reason, detail={"successor_version": successor}
    )
    await record(
        session,
        DefinitionRetired(
            definition_id=row.id,
            service_code=row.service_code,
            definition_version=row.version,
            published_version=successor,
            retired_at=now,
        ),
    )


async def published(session: AsyncSession, *, service_code: str) -> Definition:
    row = await DefinitionRepository(session).published(service_code)
    if row is None:
        raise NotFound("service_not_offered")
    return row


async def page(
    session: AsyncSession, *, service_code: str | None, status: str | None, limit: int, cursor: str | None
) -> Page[Definition]:
    return await DefinitionRepository(session).page(
        service_code=service_code, status=status, limit=limit, cursor=cursor
    )


async def audit_page(
    session: AsyncSession, *, definition_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[DefinitionAudit]:
    await get(session, definition_id=definition_id)
    return await AuditRepository(session).page_of(definition_id, limit=limit, cursor=cursor)
