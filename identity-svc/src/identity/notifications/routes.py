"""`/v1/me/notifications`: what the platform told the citizen by SMS, as it was worded."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from identity.notifications import service
from kit.app import Session
from kit.auth import CurrentCitizen
from kit.errors import responses

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    id: uuid.UUID
    kind: str = Field(
        description="appointment_booked, payment_succeeded, document_ready, eligibility_changed.eligible, ...",
        examples=["document_ready"],
    )
    body: str = Field(
        description="The message as sent, in the language the citizen had then.",
        examples=["Your office appointment is booked for 14 January 2027 at 13:10. Reference: notary:abc."],
    )
    created_at: datetime
    sent_at: datetime | None = Field(description="When an SMS provider took it; null while it waits to be sent.")


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    next_cursor: str | None


@router.get("/v1/me/notifications", responses=responses(401, 403, 422))
async def my_notifications(
    caller: CurrentCitizen,
    session: Session,
    limit: int = Query(20, ge=1, le=100),
    cursor: str | None = Query(None, max_length=200),
) -> NotificationPage:
    """The notifications sent to you (appointments, payments, documents, your ration card), newest first."""
    page = await service.for_citizen(session, citizen_id=uuid.UUID(caller.subject), limit=limit, cursor=cursor)
    return NotificationPage(
        items=[
            NotificationOut(id=n.id, kind=n.kind, body=n.body, created_at=n.created_at, sent_at=n.sent_at)
            for n in page.items
        ],
        next_cursor=page.next_cursor,
    )
