"""The applicant's side: start (facts filled in), answer, check, submit, pay, follow, appeal."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from applications.applications import service, views
from applications.applications.schemas import (
    Answers,
    AppealIn,
    ApplicationOut,
    ApplicationPage,
    ApplicationSummary,
    CheckOut,
    HistoryOut,
    StartApplication,
    StepOut,
    Submission,
)
from applications.deps import CitizenId, Ctx, Cursor, Limit, Now
from applications.documents import service as documents
from applications.documents.schemas import OwnDocumentOut
from kit.app import Session
from kit.auth import CurrentCitizen
from kit.errors import ProblemError, responses

router = APIRouter(prefix="/v1/applications", tags=["applications"])


@router.post("", status_code=201, response_model=ApplicationOut, responses=responses(401, 403, 404, 409, 422, 503))
async def start_application(
    body: StartApplication, caller: CurrentCitizen, citizen_id: CitizenId, session: Session, ctx: Ctx, now: Now
) -> ApplicationOut:
    """Start an application to a published service: what the state knows is filled in and shown;
    the application keeps the definition version it starts on."""
    if caller.national_id is None:
        raise ProblemError("forbidden", status=403)
    app = await service.start(
        session,
        citizen_id=citizen_id,
        national_id=caller.national_id,
        service_code=body.service_code,
        registry=ctx.resources.registry,
        max_open=ctx.settings.open_applications_per_citizen,
        now=now,
    )
    return await views.application_out(session, app)


@router.get("", response_model=ApplicationPage, responses=responses(401, 403, 422))
async def list_my_applications(
    citizen_id: CitizenId, session: Session, limit: Limit = 20, cursor: Cursor = None
) -> ApplicationPage:
    """My applications, newest first."""
    page = await service.page_for(session, citizen_id=citizen_id, limit=limit, cursor=cursor)
    items = [ApplicationSummary.model_validate(x) for x in page.items]
    return ApplicationPage(items=items, next_cursor=page.next_cursor)


@router.get("/{application_id}", response_model=ApplicationOut, responses=responses(401, 403, 404, 422))
async def get_application(application_id: uuid.UUID, citizen_id: CitizenId, session: Session) -> ApplicationOut:
    app = await service.owned(session, application_id=application_id, citizen_id=citizen_id)
    return await views.application_out(session, app)


@router.put("/{application_id}/answers", response_model=ApplicationOut, responses=responses(401, 403, 404, 409, 422))
async def answer_application(
    application_id: uuid.UUID, body: Answers, citizen_id: CitizenId, session: Session, now: Now
) -> ApplicationOut:
    """Answer questions (merged with earlier answers; null removes one); each answer is checked
    against its question, and answers to questions no longer asked are dropped."""
    app = await service.answer(
        session, application_id=application_id, citizen_id=citizen_id, given=body.answers, now=now
    )
    return await views.application_out(session, app)


@router.get("/{application_id}/check", response_model=CheckOut, responses=responses(401, 403, 404, 422))
async def check_application(application_id: uuid.UUID, citizen_id: CitizenId, session: Session) -> CheckOut:
    """Check your answers before submitting: each question asked, its answer, what is missing."""
    app = await service.owned(session, application_id=application_id, citizen_id=citizen_id)
    return await views.check_out(session, app)


@router.post(
    "/{application_id}/submission", response_model=ApplicationOut, responses=responses(401, 403, 404, 409, 422, 503)
)
async def submit_application(
    application_id: uuid.UUID, body: Submission, citizen_id: CitizenId, session: Session, ctx: Ctx, now: Now
) -> ApplicationOut:
    """Submit: the rules decide at once where they can (a refusal with every reason), else the
    catalogue's fee is quoted and `payment` says how to pay it through `POST /v1/payments`."""
    app = await service.submit(
        session,
        application_id=application_id,
        citizen_id=citizen_id,
        channel=body.channel,
        method=body.method,
        catalog=ctx.resources.catalog,
        signer=ctx.resources.signer,
        now=now,
    )
    return await views.application_out(session, app)


@router.post(
    "/{application_id}/cancellation", response_model=ApplicationOut, responses=responses(401, 403, 404, 409, 422)
)
async def cancel_application(
    application_id: uuid.UUID, citizen_id: CitizenId, session: Session, now: Now
) -> ApplicationOut:
    """Withdraw before payment (a payment still in flight is refunded)."""
    app = await service.cancel(session, application_id=application_id, citizen_id=citizen_id, now=now)
    return await views.application_out(session, app)


@router.post("/{application_id}/appeal", response_model=ApplicationOut, responses=responses(401, 403, 404, 409, 422))
async def appeal_application(
    application_id: uuid.UUID, body: AppealIn, citizen_id: CitizenId, session: Session, now: Now
) -> ApplicationOut:
    """Appeal a refusal (تظلم) within the window: an officer of the governorate reviews it."""
    app = await service.appeal(
        session, application_id=application_id, citizen_id=citizen_id, grounds=body.grounds, now=now
    )
    return await views.application_out(session, app)


@router.get("/{application_id}/history", response_model=HistoryOut, responses=responses(401, 403, 404, 422))
async def application_history(application_id: uuid.UUID, citizen_id: CitizenId, session: Session) -> HistoryOut:
    """Every step, in order."""
    app = await service.owned(session, application_id=application_id, citizen_id=citizen_id)
    return HistoryOut(items=[StepOut.model_validate(s) for s in await service.history(session, app)])


@router.get("/{application_id}/document", response_model=OwnDocumentOut, responses=responses(401, 403, 404, 422))
async def application_document(
    application_id: uuid.UUID, citizen_id: CitizenId, session: Session, ctx: Ctx, now: Now
) -> OwnDocumentOut:
    """The signed document issued for the application, with its verification code."""
    app = await service.owned(session, application_id=application_id, citizen_id=citizen_id)
    return await documents.of_application(
        session, number=app.document_number, citizen_id=citizen_id, signer=ctx.resources.signer, now=now
    )
