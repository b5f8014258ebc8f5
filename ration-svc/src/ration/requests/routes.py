"""Member requests: the holder asks (`POST /v1/ration-card/{card_id}/member-requests`); members
follow them and ration officers work their governorate's queue at `/v1/ration-card-requests`."""

from __future__ import annotations

from typing import Annotated, Any, cast
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from kit.app import Session
from kit.auth import CurrentCaller, CurrentCitizen, Role
from kit.errors import ProblemError, responses
from ration.cards import service as cards
from ration.deps import Ctx, Now, Officer
from ration.requests import service, texts
from ration.requests.schemas import (
    AlreadyDoneOut,
    DecisionIn,
    Kind,
    MemberRequestIn,
    MemberRequestOut,
    MemberRequestPage,
    QuoteIn,
    Status,
    request_out,
)

router = APIRouter(tags=["ration card requests"])
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=500)]
ALREADY_DONE: dict[int | str, dict[str, Any]] = {
    200: {"model": AlreadyDoneOut, "description": "Already done by the civil registry: nothing recorded or paid."}
}


def _already_done_out(done: service.AlreadyDone) -> JSONResponse:
    detail = texts.already_done(added=done.kind == service.ADD, national_id=done.national_id, since=done.since)
    body = AlreadyDoneOut(
        card_id=done.card_id, kind=cast(Kind, done.kind), national_id=done.national_id, since=done.since,
        by=done.by, detail=detail,
    )  # fmt: skip
    return JSONResponse(status_code=200, content=body.model_dump(mode="json"))


@router.post(
    "/v1/ration-card/{card_id}/member-requests",
    status_code=201,
    response_model=MemberRequestOut,
    responses={**ALREADY_DONE, **responses(401, 403, 404, 409, 422, 503)},
)
async def file_request(
    card_id: UUID,
    body: MemberRequestIn,
    caller: CurrentCitizen,
    session: Session,
    ctx: Ctx,
    now: Now,
) -> Any:
    """Add a newborn (إضافة مولود) or remove a member (حذف فرد) with the reason. The civil registry
    is asked at once (no paper): where its records prove it, it is decided now (a fee, if the
    catalogue has one, is paid with `POST /v1/payments` using `payment`, and the card changes
    on payment); else a ration officer reviews it. Already done by the registry: 200, nothing
    recorded."""
    household = await cards.card_for(session, caller=caller, card_id=card_id)
    ask = service.Ask(
        kind=body.kind, national_id=body.national_id, reason=body.reason, note=body.note or None,
        channel=body.channel, method=body.method,
    )  # fmt: skip
    result = await service.file(
        session,
        household=household,
        caller=caller,
        ask=ask,
        registry=ctx.resources.registry,
        catalog=ctx.resources.catalog,
        open_per_card=ctx.settings.member_requests_open_per_card,
        now=now,
    )
    if isinstance(result, service.AlreadyDone):
        return _already_done_out(result)
    return request_out(result, now=now)


@router.get("/v1/ration-card-requests", response_model=MemberRequestPage, responses=responses(401, 403, 404, 422))
async def list_requests(
    caller: CurrentCaller,
    session: Session,
    now: Now,
    status: Status | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> MemberRequestPage:
    """A citizen: their card's requests, newest first. A ration officer: the governorate's queue,
    oldest first (`status`, default `in_review`)."""
    if caller.kind == "citizen":
        page = await service.mine(session, caller=caller, status=status, limit=limit, cursor=cursor)
    elif caller.has_role(Role.RATION_OFFICER):
        page = await service.queue(session, officer=caller, status=status or "in_review", limit=limit, cursor=cursor)
    else:
        raise ProblemError("forbidden", status=403)
    return MemberRequestPage(items=[request_out(r, now=now) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    "/v1/ration-card-requests/{request_id}", response_model=MemberRequestOut, responses=responses(401, 403, 404, 422)
)
async def get_request(request_id: UUID, caller: CurrentCaller, session: Session, now: Now) -> MemberRequestOut:
    """Status and every step: a member of the card, or a ration officer of its governorate."""
    if caller.kind != "citizen" and not caller.has_role(Role.RATION_OFFICER):
        raise ProblemError("forbidden", status=403)
    return request_out(await service.visible(session, caller=caller, request_id=request_id), now=now)


@router.post(
    "/v1/ration-card-requests/{request_id}/quote",
    response_model=MemberRequestOut,
    responses=responses(401, 403, 404, 409, 422, 503),
)
async def requote_card_request(
    request_id: UUID, body: QuoteIn, caller: CurrentCitizen, session: Session, ctx: Ctx, now: Now
) -> MemberRequestOut:
    """A new fee quote for a request awaiting payment (the previous one expired, or another method)."""
    request = await service.requote(
        session, caller=caller, request_id=request_id, channel=body.channel, method=body.method,
        catalog=ctx.resources.catalog, now=now,
    )  # fmt: skip
    return request_out(request, now=now)


@router.delete(
    "/v1/ration-card-requests/{request_id}",
    response_model=MemberRequestOut,
    responses=responses(401, 403, 404, 409, 422),
)
async def cancel_card_request(request_id: UUID, caller: CurrentCitizen, session: Session, now: Now) -> MemberRequestOut:
    """Withdraw a request before the card changed; a payment still in flight is refunded."""
    return request_out(await service.cancel(session, caller=caller, request_id=request_id, now=now), now=now)


@router.post(
    "/v1/ration-card-requests/{request_id}/decision",
    response_model=MemberRequestOut,
    responses=responses(401, 403, 404, 409, 422),
)
async def decide_card_request(
    request_id: UUID, body: DecisionIn, officer: Officer, session: Session, now: Now
) -> MemberRequestOut:
    """A ration officer of the card's governorate approves or refuses a request under review, with
    the reason the citizen is shown. Approved with a fee: the citizen pays, then the card changes."""
    request = await service.decide(
        session, officer=officer, request_id=request_id, outcome=body.outcome, reason=body.reason, now=now,
    )  # fmt: skip
    return request_out(request, now=now)
