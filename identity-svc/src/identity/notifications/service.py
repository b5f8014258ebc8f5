"""Identity owns the citizen's contact, so it sends the SMS for events that concern them.

Handlers only queue the SMS (in the consumer's transaction, keyed by the event id, so a
redelivered event queues nothing twice); the dispatcher sends from the queue a few at a time,
rows locked with SKIP LOCKED so several instances share the work, with failover and retries
with a growing delay, so an accepted notification is not lost when every provider is down.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from identity.citizens.models import Citizen
from identity.notifications.models import OutgoingSms
from identity.notifications.repository import OutgoingSmsRepository
from identity.sms.provider import FailoverSender, SmsUnavailable
from kit import i18n
from kit.clock import Clock
from kit.repository import Page

BACKOFF_SECONDS = (5, 30, 120, 600, 1800)


async def queue(
    session: AsyncSession, *, event_id: uuid.UUID, citizen: Citizen | None, kind: str, now: datetime, **params: object
) -> bool:
    """Queue the SMS `sms.notify.<kind>` for an active citizen; False if there is no one to tell."""
    if citizen is None or citizen.status != "active":
        return False
    body = i18n.text(f"sms.notify.{kind}", i18n.language_or_default(citizen.language), **params)
    return await OutgoingSmsRepository(session).queue_once(
        event_id=event_id, citizen_id=citizen.id, mobile=citizen.mobile, kind=kind, body=body, at=now
    )


async def for_citizen(
    session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[OutgoingSms]:
    """What the platform told the citizen by SMS (sent, or queued to be), newest first."""
    return await OutgoingSmsRepository(session).for_citizen(citizen_id, limit=limit, cursor=cursor)


async def dispatch(session: AsyncSession, *, sender: FailoverSender, clock: Clock, limit: int = 50) -> int:
    """Send up to `limit` queued SMS that are due; how many were tried. A send no provider took
    is tried again later, after a delay that grows with each attempt."""
    rows = await OutgoingSmsRepository(session).claim_due(at=clock.now(), limit=limit)
    for row in rows:
        row.attempts += 1
        try:
            row.provider, row.provider_message_id = await sender.send(row.mobile, row.body)
            row.sent_at = clock.now()
        except SmsUnavailable as exc:
            delay = BACKOFF_SECONDS[min(row.attempts, len(BACKOFF_SECONDS)) - 1]
            row.next_attempt_at = clock.now() + timedelta(seconds=delay)
            row.last_error = str(exc)[:500]
    return len(rows)
