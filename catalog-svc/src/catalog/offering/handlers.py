"""A service defined as data (applications-svc) is offered while a version of its definition is
published: `live` then, `coming` again when its last published version is retired. Where it is
live still follows its roll-out (each governorate's date)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.audit import service as audit
from catalog.catalogue.repository import ServiceRepository
from contracts.events.applications import DefinitionPublished, DefinitionRetired
from kit.auth import Caller
from kit.messaging.consumer import Handlers

if TYPE_CHECKING:
    from catalog.resources import EventCtx, Resources
    from catalog.settings import Settings

APPLICATIONS = Caller(kind="integrator", subject="applications-svc")
"""Who the audit trail names for a change the applications service's events make."""


async def _offer(session: AsyncSession, code: str, status: str, *, reason: str, ctx: EventCtx) -> None:
    service = await ServiceRepository(session).get(code, for_update=True)
    if service is None or service.status == status:
        return
    before = {"status": service.status}
    service.status, service.updated_at = status, ctx.now()  # type: ignore[assignment]  # a ServiceStatus literal
    await audit.write(
        session,
        caller=APPLICATIONS,
        action="service.offered" if status == "live" else "service.withdrawn",
        service_code=code,
        target=code,
        before=before,
        after={"status": status},
        reason=reason,
        now=ctx.now(),
    )


async def on_published(session: AsyncSession, event: DefinitionPublished, ctx: EventCtx) -> None:
    await _offer(
        session, event.service_code, "live", reason=f"definition v{event.definition_version} published", ctx=ctx
    )


async def on_retired(session: AsyncSession, event: DefinitionRetired, ctx: EventCtx) -> None:
    if event.published_version is None:
        await _offer(
            session,
            event.service_code,
            "coming",
            reason=f"definition v{event.definition_version} retired, none published",
            ctx=ctx,
        )


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on(DefinitionPublished)(on_published)
    handlers.on(DefinitionRetired)(on_retired)
