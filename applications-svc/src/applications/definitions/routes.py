"""Service definitions: written as drafts, published (checked whole), retired; audited."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from applications.definitions import service
from applications.definitions.schemas import (
    AuditEntry,
    AuditPage,
    DefinitionBody,
    DefinitionIn,
    DefinitionOut,
    DefinitionPage,
    StatusChange,
)
from applications.deps import Admin, Ctx, Cursor, Limit, Now, Reader
from kit.app import Session
from kit.errors import responses

router = APIRouter(prefix="/v1/application-definitions", tags=["application definitions"])


@router.post("", status_code=201, response_model=DefinitionOut, responses=responses(401, 403, 422))
async def draft_application_definition(body: DefinitionIn, session: Session, admin: Admin, now: Now) -> DefinitionOut:
    """A new draft version of a service's definition (the next version number of its code)."""
    return service.out(await service.create(session, body=body, actor=admin.subject, now=now))


@router.get("", response_model=DefinitionPage, responses=responses(401, 403, 422))
async def list_application_definitions(
    session: Session,
    reader: Reader,
    service_code: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_.]*$")] = None,
    status: Annotated[str | None, Query(pattern=r"^(draft|published|retired)$")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> DefinitionPage:
    """Every version, by service code then version."""
    found = await service.page(session, service_code=service_code, status=status, limit=limit, cursor=cursor)
    return DefinitionPage(items=[service.out(x) for x in found.items], next_cursor=found.next_cursor)


@router.get("/{definition_id}", response_model=DefinitionOut, responses=responses(401, 403, 404, 422))
async def get_application_definition(definition_id: uuid.UUID, session: Session, reader: Reader) -> DefinitionOut:
    return service.out(await service.get(session, definition_id=definition_id))


@router.put("/{definition_id}", response_model=DefinitionOut, responses=responses(401, 403, 404, 409, 422))
async def edit_application_definition(
    definition_id: uuid.UUID, body: DefinitionBody, session: Session, admin: Admin, now: Now
) -> DefinitionOut:
    """A draft's content; a published or retired version never changes (409)."""
    row = await service.update(session, definition_id=definition_id, body=body, actor=admin.subject, now=now)
    return service.out(row)


@router.post(
    "/{definition_id}/publication", response_model=DefinitionOut, responses=responses(401, 403, 404, 409, 422, 503)
)
async def publish_application_definition(
    definition_id: uuid.UUID, body: StatusChange, session: Session, admin: Admin, ctx: Ctx, now: Now
) -> DefinitionOut:
    """Publish a draft: refused (422, `definition_invalid`) with every problem named; the version
    published before is retired; applications already started keep their version."""
    row = await service.publish(
        session,
        definition_id=definition_id,
        reason=body.reason,
        actor=admin.subject,
        tariff=ctx.resources.catalog.tariff_state,
        now=now,
    )
    return service.out(row)


@router.post("/{definition_id}/retirement", response_model=DefinitionOut, responses=responses(401, 403, 404, 409, 422))
async def retire_application_definition(
    definition_id: uuid.UUID, body: StatusChange, session: Session, admin: Admin, now: Now
) -> DefinitionOut:
    """No application starts on it any more (those started keep it)."""
    row = await service.retire(session, definition_id=definition_id, reason=body.reason, actor=admin.subject, now=now)
    return service.out(row)


@router.get("/{definition_id}/audit", response_model=AuditPage, responses=responses(401, 403, 404, 422))
async def audit_application_definition(
    definition_id: uuid.UUID, session: Session, reader: Reader, limit: Limit = 20, cursor: Cursor = None
) -> AuditPage:
    """Who drafted, edited, published and retired it, when and why, oldest first."""
    found = await service.audit_page(session, definition_id=definition_id, limit=limit, cursor=cursor)
    return AuditPage(items=[AuditEntry.model_validate(x) for x in found.items], next_cursor=found.next_cursor)
