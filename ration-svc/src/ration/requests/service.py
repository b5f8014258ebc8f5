"""Member requests (إضافة مولود / حذف فرد): the card holder asks to add a newborn or to remove a
member (death, emigration, marriage into another household), with the reason.

- The civil registry (identity-svc's mirror, `kit.registry`) is asked at once and no paper is:
  where its records prove the change (`proof`) the request is decided then and there, else it
  goes to the queue of a ration officer of the card's governorate, who decides with a reason.
- The catalogue's fee (`ration.card.add_newborn`; removal is free) is locked by catalog's quote
  for this request and its holder when the request is made; an approved request with a fee is
  paid like every paid order (`kit.payable` judges the payment: the holder's, this service's fee,
  while the request awaits it; any other is refused and payment-svc refunds it), and the card
  changes on payment; a free one changes the card when it is approved.
- A change the civil registry's own events already made is never made twice: asked for after
  it, the answer is "already done" (nothing is recorded); made by an event while a request is
  open, the request closes as already done (`settle`), and a payment arriving later is refused.
- One open request per person; a few open requests per card.

Why ask identity's registry API rather than keep a read model of civil events here: the
registry's bulk extract (everyone born before the platform) reaches identity's mirror as a file,
never as events, so a local model built from `civil.*` events would not know most parents and
marriages; identity already keeps that mirror current from the same events, and notary asks it
the same way. What civil events did to the cards is already ration's own data (its members),
which is what "already done" and "never twice" are decided on, under the card's lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import orders
from contracts.events.payment import PaymentFailed, PaymentSucceeded
from contracts.events.ration import (
    MemberRequestCancelled,
    MemberRequestCompleted,
    MemberRequestDecided,
    MemberRequestFiled,
    MemberRequestKind,
    MemberRequestReason,
)
from kit import i18n, payable
from kit.auth import Caller, Role
from kit.catalog import Catalog
from kit.errors import FieldError, NotFound, ProblemError
from kit.messaging import record
from kit.registry import Registry
from kit.repository import Page
from ration.audit import repository as audit
from ration.cards import service as cards
from ration.cards.models import Household
from ration.cards.repository import HouseholdRepository
from ration.eligibility import service as eligibility
from ration.orders.models import citizen_of
from ration.requests import proof, texts
from ration.requests.models import OPEN, MemberRequest
from ration.requests.repository import MemberRequestRepository

IN_REVIEW, AWAITING, COMPLETED = "in_review", "awaiting_payment", "completed"
ALREADY_DONE, REJECTED, CANCELLED, FAILED = "already_done", "rejected", "cancelled", "failed"
ADD, REMOVE = "add_newborn", "remove_member"
SERVICE_CODES = {ADD: "ration.card.add_newborn", REMOVE: "ration.card.remove_member"}
REMOVED_AS = {"death": "deceased", "emigration": "emigrated", "marriage": "married"}


@dataclass(frozen=True)
class Ask:
    """What the holder asks: kind, the person, the reason, their note, how they will pay."""

    kind: str
    national_id: str
    reason: str
    note: str | None = None
    channel: str = "web"
    method: str = "card"


@dataclass(frozen=True)
class AlreadyDone:
    """The card already is as asked (a civil-registry event did it): nothing to record or pay."""

    card_id: uuid.UUID
    kind: str
    national_id: str
    since: datetime
    by: str


def _refused(code: str) -> ProblemError:
    reason = FieldError(field="body.national_id", reason=i18n.text(f"field.{code}"), code=code)
    return ProblemError("member_request_refused", status=422, errors=[reason])


def _already_open(request: MemberRequest) -> ProblemError:
    ident = {"request_id": str(request.id)}
    return ProblemError("member_request_already_open", status=409, params=ident, extra=ident)


def conflict(request: MemberRequest) -> ProblemError:
    return ProblemError(
        "member_request_state_conflict",
        status=409,
        params={"status_ar": texts.STATUSES[request.status][0], "status_en": texts.STATUSES[request.status][1]},
        extra={"request_status": request.status},
    )


def _step(request: MemberRequest, code: str, *, by: str, at: datetime, note: str | None = None) -> None:
    request.history = [*request.history, {"at": at.isoformat(), "step": code, "by": by, "note": note}]
    request.updated_at = at


async def _audit(session: AsyncSession, request: MemberRequest, *, actor: str, action: str, **details: Any) -> None:
    await audit.append(
        session,
        actor=actor,
        action=action,
        target_type="household",
        target_id=str(request.household_id),
        details={
            "request_id": str(request.id),
            "status": request.status,
            "national_id": request.national_id,
            **details,
        },
    )


# -- the holder's request ---------------------------------------------------------------------


async def _already_done(session: AsyncSession, household: Household, ask: Ask) -> AlreadyDone | None:
    """The card is already as asked; or a removal that cannot be (the holder, a stranger) is refused."""
    repo = HouseholdRepository(session)
    member = await repo.membership(ask.national_id)
    here = member if member is not None and member.household_id == household.id else None
    if ask.kind == ADD:
        return AlreadyDone(household.id, ask.kind, ask.national_id, here.added_at, here.source) if here else None
    if ask.national_id == household.holder_national_id:
        raise _refused("cannot_remove_holder")
    if here:
        return None
    past = await repo.last_membership(household.id, ask.national_id)
    if past is None or past.removed_at is None:
        raise _refused("not_on_card")
    return AlreadyDone(household.id, ask.kind, ask.national_id, past.removed_at, past.removed_reason or "removed")


async def file(
    session: AsyncSession,
    *,
    household: Household,
    caller: Caller,
    ask: Ask,
    registry: Registry,
    catalog: Catalog,
    open_per_card: int,
    now: datetime,
) -> MemberRequest | AlreadyDone:
    """Check, ask the registry and the catalogue (before anything is written: an outage of either
    leaves nothing behind, 503), then record the request and decide it where the registry proves it."""
    cards.require_holder(household, caller)
    if household.status != "active":
        raise ProblemError("card_closed", status=409, params={"status": household.status})
    if (done := await _already_done(session, household, ask)) is not None:
        return done
    requests = MemberRequestRepository(session)
    if (existing := await requests.open_about(ask.national_id)) is not None:
        raise _already_open(existing)
    if await requests.open_count(household.id) >= open_per_card:
        raise ProblemError("too_many_open_member_requests", status=409, params={"limit": open_per_card})
    person = await registry.person(ask.national_id)
    request_id = uuid.uuid4()
    quote = await catalog.quote(
        service_code=SERVICE_CODES[ask.kind],
        channel=ask.channel,
        method=ask.method,
        governorate=household.governorate,
        order_ref=orders.order_ref("ration", request_id),
        citizen_id=citizen_of(caller.subject),
    )
    repo = HouseholdRepository(session)
    await repo.lock(household.id)  # serialises requests (and registry events) about this card
    if (done := await _already_done(session, household, ask)) is not None:
        return done
    members = await repo.members(household.id)
    if ask.kind == ADD:
        elsewhere = await repo.membership(ask.national_id)
        parents = {m.national_id for m in members if m.relation in ("holder", "spouse")}
        findings = proof.newborn(
            person, parents_on_card=parents, on_another_card=elsewhere is not None, today=now.date()
        )
    else:
        findings = proof.removal(person, reason=ask.reason, card_members={m.national_id for m in members})
    request = MemberRequest(
        id=request_id,
        household_id=household.id,
        kind=ask.kind,
        reason=ask.reason,
        national_id=ask.national_id,
        requested_by=caller.subject,
        holder_national_id=household.holder_national_id,
        note=ask.note,
        governorate=household.governorate,
        service_code=SERVICE_CODES[ask.kind],
        status=IN_REVIEW if findings else AWAITING,
        findings=findings,
        registry_facts=proof.facts(person),
        failed_payments=0,
        history=[],
        created_at=now,
        updated_at=now,
    )
    request.take_quote(quote)
    _step(request, "filed", by="holder", at=now, note=ask.note)
    _step(request, "sent_to_review" if findings else "registry_proved", by="registry", at=now)
    if not findings:
        request.decided_by, request.decided_at, request.decision_reason = "registry", now, f"registry:{ask.reason}"
    try:
        async with session.begin_nested():
            await requests.add(request)
    except IntegrityError as exc:  # a concurrent request about the same person won
        raise ProblemError("member_request_already_open", status=409, params={"request_id": "?"}) from exc
    await _audit(session, request, actor=caller.subject, action="member_request.filed", kind=ask.kind,
                 reason=ask.reason, findings=findings, amount_piastres=quote.total_piastres)  # fmt: skip
    await record(
        session,
        MemberRequestFiled(
            request_id=request.id, card_id=household.id, kind=cast(MemberRequestKind, ask.kind),
            reason=cast(MemberRequestReason, ask.reason), national_id=ask.national_id,
            holder_national_id=household.holder_national_id, governorate=household.governorate,
            service_code=request.service_code, fee_piastres=quote.total_piastres, registry_proves=not findings,
            findings=tuple(findings), filed_at=now,
        ),
    )  # fmt: skip
    if not findings:
        await _approved(session, request, by="registry", reason=f"registry:{ask.reason}", now=now)
    return request


async def _approved(session: AsyncSession, request: MemberRequest, *, by: str, reason: str, now: datetime) -> None:
    """Approved: the fee is paid first where there is one; a free request changes the card now."""
    await _announce_decision(session, request, outcome="approved", by=by, reason=reason, now=now)
    request.status = AWAITING
    if request.amount_piastres == 0:
        await _apply(session, request, payment=None, now=now)


async def _announce_decision(
    session: AsyncSession, request: MemberRequest, *, outcome: str, by: str, reason: str, now: datetime
) -> None:
    await record(
        session,
        MemberRequestDecided(
            request_id=request.id, card_id=request.household_id, kind=cast(MemberRequestKind, request.kind),
            national_id=request.national_id, governorate=request.governorate,
            outcome=cast(Literal["approved", "rejected"], outcome), decided_by=cast(Literal["registry", "officer"], by),
            reason=reason, payment_due=outcome == "approved" and request.amount_piastres > 0, decided_at=now,
        ),
    )  # fmt: skip


# -- changing the card ------------------------------------------------------------------------


async def _apply(
    session: AsyncSession, request: MemberRequest, *, payment: PaymentSucceeded | None, now: datetime
) -> str | None:
    """Add or remove the person; None when done now, else why not (the request has ended)."""
    repo = HouseholdRepository(session)
    household = await repo.lock(request.household_id)
    assert household is not None
    if household.status != "active":
        await _fail(session, request, reason=f"the card is {household.status}", now=now)
        return request.end_reason
    member = await repo.membership(request.national_id)
    here = member is not None and member.household_id == household.id
    affected = [household.id]
    if request.kind == ADD:
        if here:
            await _already(session, request, by="civil-registry", now=now)
            return "already on the card"
        if member is not None and member.relation == "holder":
            await _fail(session, request, reason="holds another card", now=now)
            return request.end_reason
        if member is not None:  # an officer approved moving the child from another card
            await repo.remove_member(member, reason="moved", at=now)
            affected.append(member.household_id)
        await repo.add_member(
            household_id=household.id, national_id=request.national_id, relation="child", source="request", at=now
        )
    else:
        if not here or member is None:
            await _already(session, request, by="civil-registry", now=now)
            return "already off the card"
        await repo.remove_member(member, reason=REMOVED_AS[request.reason], at=now)
    request.status, request.completed_at = COMPLETED, now
    _step(request, "completed", by="payment" if payment else "ration", at=now)
    await _audit(session, request, actor=f"member-request:{request.id}",
                 action="member.added" if request.kind == ADD else "member.removed", reason=request.reason)  # fmt: skip
    await eligibility.reevaluate_households(
        session, household_ids=affected, trigger=f"member_request:{request.id}", now=now
    )
    await _announce_completed(session, request, household, outcome="applied", payment=payment, now=now)
    return None


async def _announce_completed(
    session: AsyncSession,
    request: MemberRequest,
    household: Household,
    *,
    outcome: str,
    payment: PaymentSucceeded | None,
    now: datetime,
) -> None:
    await record(
        session,
        MemberRequestCompleted(
            request_id=request.id, card_id=household.id, kind=cast(MemberRequestKind, request.kind),
            national_id=request.national_id, holder_national_id=household.holder_national_id,
            governorate=household.governorate, outcome=cast(Literal["applied", "already_done"], outcome),
            payment_id=payment.payment_id if payment else None,
            amount_piastres=payment.amount_piastres if payment else 0, completed_at=now,
        ),
    )  # fmt: skip


async def _already(session: AsyncSession, request: MemberRequest, *, by: str, now: datetime) -> None:
    household = await HouseholdRepository(session).get(request.household_id)
    assert household is not None
    request.status, request.completed_at, request.ended_at = ALREADY_DONE, now, now
    request.end_reason = "the civil registry had already made the change"
    _step(request, "already_done", by=by, at=now)
    await _audit(session, request, actor=by, action="member_request.already_done")
    await _announce_completed(session, request, household, outcome="already_done", payment=None, now=now)


async def _fail(session: AsyncSession, request: MemberRequest, *, reason: str, now: datetime) -> None:
    request.status, request.ended_at, request.end_reason = FAILED, now, reason[:500]
    _step(request, "failed", by="ration", at=now, note=reason)


async def settle(session: AsyncSession, *, national_ids: Sequence[str], now: datetime) -> int:
    """After a civil-registry event: open requests whose change the event made are already done
    (a fee paid for one later is refunded). Returns how many closed."""
    closed = 0
    for request in await MemberRequestRepository(session).lock_open_about([n for n in national_ids if n]):
        member = await HouseholdRepository(session).membership(request.national_id)
        here = member is not None and member.household_id == request.household_id
        if here == (request.kind == ADD):
            await _already(session, request, by="civil-registry", now=now)
            closed += 1
    return closed


# -- what the citizen and the officer see and do ----------------------------------------------


async def _lock(session: AsyncSession, request_id: uuid.UUID) -> MemberRequest | None:
    """The card first, then the request: the order every path takes (filing, registry events)."""
    requests = MemberRequestRepository(session)
    found = await requests.get(request_id)
    if found is None:
        return None
    await HouseholdRepository(session).lock(found.household_id)
    return await requests.lock(request_id)


def _officer_sees(officer: Caller, request: MemberRequest) -> bool:
    return Role.ADMIN in officer.roles or officer.governorate == request.governorate


async def visible(session: AsyncSession, *, caller: Caller, request_id: uuid.UUID) -> MemberRequest:
    """A member of the card sees its requests; an officer those of their governorate; else 404."""
    request = await MemberRequestRepository(session).get(request_id)
    if request is not None and caller.kind == "citizen":
        household = await HouseholdRepository(session).of_member(caller.national_id or "")
        if household is not None and household.id == request.household_id:
            return request
    elif request is not None and caller.has_role(Role.RATION_OFFICER) and _officer_sees(caller, request):
        return request
    raise NotFound("member_request_not_found")


async def mine(
    session: AsyncSession, *, caller: Caller, status: str | None, limit: int, cursor: str | None
) -> Page[MemberRequest]:
    household = await cards.card_of(session, caller=caller)
    return await MemberRequestRepository(session).of_household(household.id, status=status, limit=limit, cursor=cursor)


async def queue(
    session: AsyncSession, *, officer: Caller, status: str, limit: int, cursor: str | None
) -> Page[MemberRequest]:
    governorate = None if Role.ADMIN in officer.roles else officer.governorate or "--"
    return await MemberRequestRepository(session).queue(
        governorate=governorate, status=status, limit=limit, cursor=cursor
    )


async def _holders(session: AsyncSession, *, caller: Caller, request_id: uuid.UUID) -> MemberRequest:
    request = await visible(session, caller=caller, request_id=request_id)
    household = await HouseholdRepository(session).get(request.household_id)
    assert household is not None
    cards.require_holder(household, caller)
    return request


async def requote(
    session: AsyncSession,
    *,
    caller: Caller,
    request_id: uuid.UUID,
    channel: str,
    method: str,
    catalog: Catalog,
    now: datetime,
) -> MemberRequest:
    """A fresh quote for a request awaiting payment; catalog is asked before the lock (a catalog
    outage changes nothing)."""
    request = await _holders(session, caller=caller, request_id=request_id)
    if request.status != AWAITING:
        raise conflict(request)
    quote = await catalog.quote(
        service_code=request.service_code, channel=channel, method=method, governorate=request.governorate,
        order_ref=request.order_ref, citizen_id=citizen_of(request.requested_by),
    )  # fmt: skip
    locked = await _lock(session, request_id)
    assert locked is not None
    if locked.status != AWAITING:
        raise conflict(locked)
    locked.take_quote(quote)
    _step(locked, "requoted", by="holder", at=now)
    await _audit(session, locked, actor=caller.subject, action="member_request.requoted", quote_id=quote.quote_id,
                 amount_piastres=quote.total_piastres, method=quote.method)  # fmt: skip
    return locked


async def cancel(session: AsyncSession, *, caller: Caller, request_id: uuid.UUID, now: datetime) -> MemberRequest:
    """Withdraw a request before the card changed (a payment still in flight is refunded)."""
    await _holders(session, caller=caller, request_id=request_id)
    request = await _lock(session, request_id)
    assert request is not None
    if request.status not in OPEN:
        raise conflict(request)
    request.status, request.ended_at, request.end_reason = CANCELLED, now, "withdrawn by the holder"
    _step(request, "cancelled", by="holder", at=now)
    await _audit(session, request, actor=caller.subject, action="member_request.cancelled")
    await record(
        session,
        MemberRequestCancelled(
            request_id=request.id, card_id=request.household_id, order_ref=request.order_ref,
            reason=request.end_reason, cancelled_at=now,
        ),
    )  # fmt: skip
    return request


async def decide(
    session: AsyncSession, *, officer: Caller, request_id: uuid.UUID, outcome: str, reason: str, now: datetime
) -> MemberRequest:
    """A ration officer of the card's governorate approves or refuses a request under review."""
    await visible(session, caller=officer, request_id=request_id)
    request = await _lock(session, request_id)
    assert request is not None
    if request.status != IN_REVIEW:
        raise conflict(request)
    request.decided_by, request.decided_at, request.decision_reason = f"officer:{officer.subject}", now, reason
    _step(request, outcome, by="officer", at=now, note=reason)
    await _audit(session, request, actor=officer.subject, action=f"member_request.{outcome}", decision_reason=reason)
    if outcome == "rejected":
        request.status, request.ended_at, request.end_reason = REJECTED, now, "refused by a ration officer"
        await _announce_decision(session, request, outcome="rejected", by="officer", reason=reason, now=now)
    else:
        await _approved(session, request, by="officer", reason=reason, now=now)
    return request


# -- what payment-svc reports (`kit.payable` judges the payment, as for every order type) ---------


async def is_request(session: AsyncSession, request_id: uuid.UUID) -> bool:
    return await MemberRequestRepository(session).get(request_id) is not None


def payable_order(request: MemberRequest) -> payable.Order:
    return request.payable(ended=request.status in (CANCELLED, ALREADY_DONE, FAILED))


async def paid(session: AsyncSession, *, request_id: uuid.UUID, event: PaymentSucceeded, now: datetime) -> bool:
    """The fee of a request: the card changes now if the payment is the request's own; a request the
    registry's events have already fulfilled (or whose card closed) ends first, so its payment is
    refused and refunded rather than kept for nothing. False if it is no member request."""
    request = await _lock(session, request_id)
    if request is None:
        return False
    if request.status == AWAITING:
        await _end_if_moot(session, request, now=now)
    verdict = await payable.settle(session, event, payable_order(request), now=now)
    if verdict.reason is not None:
        request.refund_requested_at = now
        _step(request, "refund_requested", by="payment", at=now, note=verdict.reason)
        await _audit(session, request, actor=f"payment:{event.payment_id}", action="member_request.payment_refused",
                     payment_id=str(event.payment_id), refusal=verdict.reason)  # fmt: skip
    if verdict.apply:
        request.payment_id, request.paid_piastres, request.paid_at = (
            event.payment_id,
            event.amount_piastres,
            event.paid_at,
        )
        if (why := await _apply(session, request, payment=event, now=now)) is not None:  # not after the checks above
            request.refund_requested_at = now
            await payable.release(
                session, payment_id=event.payment_id, order_ref=request.order_ref, citizen_id=event.citizen_id,
                reason="order_cancelled", detail=why, now=now,
            )  # fmt: skip
    return True


async def _end_if_moot(session: AsyncSession, request: MemberRequest, *, now: datetime) -> None:
    """The card already is as asked (a registry event), or is no longer active: end the request."""
    repo = HouseholdRepository(session)
    household = await repo.get(request.household_id)
    assert household is not None
    member = await repo.membership(request.national_id)
    here = member is not None and member.household_id == household.id
    if household.status != "active":
        await _fail(session, request, reason=f"the card is {household.status}", now=now)
    elif here == (request.kind == ADD):
        await _already(session, request, by="civil-registry", now=now)


async def payment_failed(session: AsyncSession, *, request_id: uuid.UUID, event: PaymentFailed, now: datetime) -> None:
    """The request keeps awaiting payment: the holder pays again (with a new quote if need be)."""
    request = await _lock(session, request_id)
    if request is None or request.status != AWAITING:
        return
    request.failed_payments += 1
    request.last_payment_failure = event.reason
    _step(request, "payment_failed", by="payment", at=now, note=event.reason)
    await _audit(session, request, actor=f"payment:{event.payment_id}", action="member_request.payment_failed",
                 payment_id=str(event.payment_id), failure=event.reason)  # fmt: skip
