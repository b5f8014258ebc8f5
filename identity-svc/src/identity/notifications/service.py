"""Identity owns the citizen's contact, so it sends the SMS for events that concern them.

Handlers only queue the SMS (in the consumer's transaction, keyed by the event id, so a
redelivered event queues nothing twice); the dispatcher sends from the queue with failover
and retries, so an accepted notification is not lost when every provider is down.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity.citizens import service as citizens
from identity.citizens.models import Citizen
from identity.notifications.models import OutgoingSms
from kit import i18n
from kit.catalog import ServiceNames
from kit.runtime import resources_of

SERVICE_NAMES = "identity.service_names"
"""Where the running service keeps its `kit.catalog.ServiceNames` (`Runtime.resources`)."""


async def queue(
    session: AsyncSession, *, event_id: uuid.UUID, citizen: Citizen | None, kind: str, **params: object
) -> bool:
    """Queue the SMS `sms.notify.<kind>` for an active citizen; False if there is no one to tell."""
    if citizen is None or citizen.status != "active":
        return False
    body = i18n.text(f"sms.notify.{kind}", i18n.language_or_default(citizen.language), **params)
    at = datetime.now(UTC)
    result = await session.execute(
        insert(OutgoingSms)
        .values(
            id=uuid.uuid4(),
            event_id=event_id,
            citizen_id=citizen.id,
            mobile=citizen.mobile,
            kind=kind,
            body=body,
            created_at=at,
            attempts=0,
            next_attempt_at=at,
        )
        .on_conflict_do_nothing(index_elements=[OutgoingSms.event_id])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def service_name(session: AsyncSession, code: str) -> i18n.Words | None:
    """The catalogue's name of a service, or None (catalog unreachable, or no runtime: a test)."""
    try:
        names: ServiceNames | None = resources_of(session).get(SERVICE_NAMES)
    except RuntimeError:
        return None
    return await names.get(code) if names is not None else None


async def citizen_by_id(session: AsyncSession, citizen_id: uuid.UUID) -> Citizen | None:
    return await session.get(Citizen, citizen_id)


async def citizen_by_national_id(session: AsyncSession, national_id: str) -> Citizen | None:
    return await citizens.by_national_id(session, national_id=national_id)
