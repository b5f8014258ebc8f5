"""Case officers: the queue of their governorate and decisions with reasons."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from applications.applications import service as applications
from applications.applications import views
from applications.applications.schemas import ApplicationOut, Decision, HistoryOut, QueuePage, StepOut
from applications.deps import Ctx, Cursor, Limit, Now, Officer
from applications.reviews import service
from kit.app import Session
from kit.errors import responses

router = APIRouter(prefix="/v1/application-reviews", tags=["application reviews"])


@router.get("", response_model=QueuePage, responses=responses(401, 403, 422))
async def application_review_queue(
    session: Session,
    officer: Officer,
    governorate: Annotated[str | None, Query(pattern=r"^[0-9]{2}$", description="Administrators only.")] = None,
    service_code: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_.]*$")] = None,
    escalated: Annotated[
        bool | None, Query(description="Only those past (or within) their service-level time.")
    ] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> QueuePage:
    """What waits for a decision in the officer's governorate, oldest due first."""
    page = await service.queue(
        session,
        officer=officer,
        governorate=governorate,
        service_code=service_code,
        escalated=escalated,
        limit=limit,
        cursor=cursor,
    )
    return QueuePage(items=[await views.application_out(session, a) for a in page.items], next_cursor=page.next_cursor)


@router.get("/{application_id}", response_model=ApplicationOut, responses=responses(401, 403, 404, 422))
async def get_application_review(application_id: uuid.UUID, session: Session, officer: Officer) -> ApplicationOut:
    return await views.application_out(
        session, await service.one(session, officer=officer, application_id=application_id)
    )


@router.get("/{application_id}/history", response_model=HistoryOut, responses=responses(401, 403, 404, 422))
async def application_review_history(application_id: uuid.UUID, session: Session, officer: Officer) -> HistoryOut:
    app = await service.one(session, officer=officer, application_id=application_id)
    return HistoryOut(items=[StepOut.model_validate(s) for s in await applications.history(session, app)])


@router.post("/{application_id}/decision", response_model=ApplicationOut, responses=responses(401, 403, 404, 409, 422))
async def decide_application(
    application_id: uuid.UUID, body: Decision, session: Session, officer: Officer, ctx: Ctx, now: Now
) -> ApplicationOut:
    """Approve (the application is fulfilled at once) or refuse, with the reason in both
    languages; a first refusal can be appealed within the definition's window."""
    app = await service.one(session, officer=officer, application_id=application_id, lock=True)
    decided = await applications.decide_as_officer(
        session,
        app=app,
        outcome=body.outcome,
        reason_ar=body.reason_ar,
        reason_en=body.reason_en,
        officer=officer.subject,
        signer=ctx.resources.signer,
        now=now,
    )
    return await views.application_out(session, decided)
