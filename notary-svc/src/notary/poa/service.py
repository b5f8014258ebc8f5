"""The power of attorney's lifecycle: draft → awaiting_payment → paid → appointment_booked →
verified → issued → revoked (or expired); cancelled before verification (refund if paid).
Every change is locked, audited (poa_transitions) and, where others act on it, an event.
A payment is taken as `kit.payable` judges it (the order's citizen, service, fee and state);
any other is refused, and payment-svc refunds it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.notary import PoaCancelled, PoaDrafted, PoaIssued, PoaPaid, PoaRevoked, PoaSubmitted
from contracts.events.office import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentRequested,
    AppointmentVerified,
    AppointmentWithdrawn,
)
from contracts.events.payment import PaymentSucceeded
from contracts.governorates import ABROAD
from kit import evidence, i18n, payable
from kit.auth import Caller, Role
from kit.catalog import Catalog, Quote
from kit.clock import local_day
from kit.document_signing import DocumentSigner
from kit.errors import NotFound, ProblemError
from kit.evidence import FactRef
from kit.messaging import record
from kit.registry import Registry
from kit.repository import Page
from notary import governorates
from notary.documents import service as documents
from notary.poa import rules
from notary.poa.models import PAID_STATES, PoaTransition, PowerOfAttorney, Status
from notary.poa.repository import PoaRepository
from notary.poa.schemas import CreatePoa
from notary.poa.scopes import BY_CODE, SERVICE_CODES
from notary.settings import Settings
from notary.texts import status_words

log = logging.getLogger("notary.poa")


def conflict(poa: PowerOfAttorney) -> ProblemError:
    return ProblemError(
        "poa_state_conflict",
        status=409,
        params={"status": status_words(poa.status)},
        extra={"poa_status": poa.status},
    )


async def _move(
    session: AsyncSession, poa: PowerOfAttorney, to: Status, *, now: datetime, actor: str, reason: str | None = None
) -> None:
    await PoaRepository(session).add_transition(
        PoaTransition(poa_id=poa.id, from_status=poa.status, to_status=to.value, actor=actor, reason=reason, at=now)
    )
    poa.status = to.value
    poa.updated_at = now


async def _owned(session: AsyncSession, *, poa_id: uuid.UUID, citizen_id: uuid.UUID, lock: bool) -> PowerOfAttorney:
    repo = PoaRepository(session)
    poa = await repo.get(poa_id, for_update=lock)
    if poa is None or poa.citizen_id != citizen_id:
        raise NotFound("poa_not_found")  # someone else's is as absent as a missing one
    return poa


async def _within_limit(repo: PoaRepository, citizen_id: uuid.UUID, *, settings: Settings, hold: bool) -> None:
    if await repo.open_count(citizen_id, hold=hold) >= settings.open_requests_per_citizen:
        raise ProblemError("too_many_open_requests", status=409, params={"limit": settings.open_requests_per_citizen})


# -- the citizen's actions ----------------------------------------------------------------


async def draft(
    session: AsyncSession,
    *,
    citizen_id: uuid.UUID,
    national_id: str,
    body: CreatePoa,
    registry: Registry,
    settings: Settings,
    now: datetime,
) -> PowerOfAttorney:
    """Check the principal, the agents and the terms against the registry; keep a draft."""
    repo = PoaRepository(session)
    await _within_limit(repo, citizen_id, settings=settings, hold=False)  # a quick refusal
    today = local_day(now)
    principal = rules.check_principal(await registry.person(national_id), settings=settings, today=today)
    errors = rules.check_terms(body, settings=settings, today=today)
    agents, agent_errors = await rules.check_agents(
        registry, body, principal=national_id, settings=settings, today=today
    )
    if errors or agent_errors:
        raise ProblemError("poa_invalid", status=422, errors=[*errors, *agent_errors])
    await _within_limit(repo, citizen_id, settings=settings, hold=True)  # the binding check, until commit
    poa = PowerOfAttorney(
        id=uuid.uuid4(),
        citizen_id=citizen_id,
        principal_national_id=national_id,
        principal=rules.snapshot(principal),
        agents=[rules.snapshot(a) for a in agents],
        kind=body.kind,
        service_code=SERVICE_CODES[body.kind],
        scopes=list(dict.fromkeys(body.scopes)),
        special_conditions=list(body.special_conditions),
        valid_until=body.valid_until,
        # Where an office is assigned: the residence the registry holds (where the citizen
        # lives now), not the birth governorate in the national ID (digits 8-9), which is
        # only the fallback when the registry has no usable residence.
        governorate=principal.governorate
        if principal.governorate in governorates.NAMES and principal.governorate != ABROAD
        else governorates.of_national_id(national_id),
        status=Status.DRAFT.value,
        created_at=now,
        updated_at=now,
    )
    await repo.add(poa)
    await _move(session, poa, Status.DRAFT, now=now, actor=f"citizen:{citizen_id}", reason="drafted")
    await record(
        session,
        PoaDrafted(poa_id=poa.id, citizen_id=citizen_id, kind=poa.kind, agent_count=len(agents), drafted_at=now),
    )
    return poa


async def quote(
    session: AsyncSession,
    *,
    poa_id: uuid.UUID,
    citizen_id: uuid.UUID,
    channel: str,
    method: str,
    catalog: Catalog,
    now: datetime,
) -> tuple[PowerOfAttorney, Quote]:
    """Lock the fee with catalog (again, if the previous quote expired) and await payment."""
    poa = await _owned(session, poa_id=poa_id, citizen_id=citizen_id, lock=True)
    if poa.status not in (Status.DRAFT, Status.AWAITING_PAYMENT):
        raise conflict(poa)
    locked = await catalog.quote(
        service_code=poa.service_code,
        channel=channel,
        method=method,
        governorate=poa.governorate,
        order_ref=poa.order_ref,
        citizen_id=poa.citizen_id,
    )
    first = poa.status == Status.DRAFT
    poa.channel, poa.method = channel, method
    poa.quote_id, poa.quote_token = locked.quote_id, locked.token
    poa.amount_piastres, poa.quote_expires_at = locked.total_piastres, locked.expires_at
    await _move(
        session, poa, Status.AWAITING_PAYMENT, now=now, actor=f"citizen:{citizen_id}", reason=f"quote {locked.quote_id}"
    )
    if first:
        await record(
            session,
            PoaSubmitted(
                poa_id=poa.id,
                citizen_id=citizen_id,
                service_code=poa.service_code,
                amount_piastres=locked.total_piastres,
                order_ref=poa.order_ref,
                submitted_at=now,
            ),
        )
    return poa, locked


async def cancel(
    session: AsyncSession, *, poa_id: uuid.UUID, citizen_id: uuid.UUID, reason: str | None, now: datetime
) -> PowerOfAttorney:
    """Before verification only; a paid fee goes back (the payment is released to payment-svc)."""
    poa = await _owned(session, poa_id=poa_id, citizen_id=citizen_id, lock=True)
    if poa.status not in (Status.DRAFT, Status.AWAITING_PAYMENT, *PAID_STATES):
        raise conflict(poa)
    was_paid = poa.status in PAID_STATES
    refund_due = was_paid and poa.payment_id is not None
    poa.cancelled_at, poa.reason = now, reason
    await _move(session, poa, Status.CANCELLED, now=now, actor=f"citizen:{citizen_id}", reason=reason or "cancelled")
    if refund_due and poa.payment_id is not None:
        await payable.release(
            session, payment_id=poa.payment_id, order_ref=poa.order_ref, citizen_id=poa.citizen_id,
            reason="order_cancelled", detail="cancelled by the principal before verification", now=now,
        )  # fmt: skip
    await record(
        session,
        PoaCancelled(
            poa_id=poa.id, citizen_id=poa.citizen_id, order_ref=poa.order_ref, refund_due=refund_due, cancelled_at=now
        ),
    )
    if was_paid:  # the office visit it asked for is no longer needed
        withdrawn = AppointmentWithdrawn(order_ref=poa.order_ref, citizen_id=poa.citizen_id, withdrawn_at=now)
        await record(session, withdrawn)
    return poa


async def revoke(
    session: AsyncSession, *, poa_id: uuid.UUID, citizen_id: uuid.UUID, reason: str | None, now: datetime
) -> PowerOfAttorney:
    poa = await _owned(session, poa_id=poa_id, citizen_id=citizen_id, lock=True)
    if poa.status != Status.ISSUED:
        raise conflict(poa)
    if poa.valid_until is not None and poa.valid_until < local_day(now):
        raise ProblemError("poa_expired", status=409, params={"valid_until": i18n.Day(poa.valid_until)})
    poa.revoked_at, poa.reason = now, reason
    await _move(session, poa, Status.REVOKED, now=now, actor=f"citizen:{citizen_id}", reason=reason or "revoked")
    assert poa.document_number is not None
    await documents.revoke(session, number=poa.document_number, reason=reason, now=now)
    await record(
        session,
        PoaRevoked(
            poa_id=poa.id,
            principal_national_id=poa.principal_national_id,
            document_number=poa.document_number,
            reason=reason,
            revoked_at=now,
        ),
    )
    return poa


async def get(session: AsyncSession, *, poa_id: uuid.UUID, citizen_id: uuid.UUID) -> PowerOfAttorney:
    return await _owned(session, poa_id=poa_id, citizen_id=citizen_id, lock=False)


async def evidence_of(session: AsyncSession, *, poa_id: uuid.UUID, caller: Caller) -> list[uuid.UUID]:
    """The ids of the signed events the power of attorney rests on (the payment, the clerk's
    verification). Its principal's citizen account reads its own; an auditor any (logged)."""
    if caller.kind == "citizen":
        poa = await _owned(session, poa_id=poa_id, citizen_id=uuid.UUID(caller.subject), lock=False)
    elif caller.has_role(Role.AUDITOR):
        found = await PoaRepository(session).get(poa_id)
        if found is None:
            raise NotFound("poa_not_found")
        poa = found
        log.info("auditor %s read the evidence of power of attorney %s", caller.subject, poa_id)
    else:
        raise ProblemError("forbidden", status=403)
    return evidence.event_ids((poa.payment_evidence, poa.verification_evidence))


async def page_for(
    session: AsyncSession, *, citizen_id: uuid.UUID, status: str | None, limit: int, cursor: str | None
) -> Page[PowerOfAttorney]:
    return await PoaRepository(session).page_for(citizen_id, status=status, limit=limit, cursor=cursor)


async def history(session: AsyncSession, *, poa_id: uuid.UUID, citizen_id: uuid.UUID) -> Sequence[PoaTransition]:
    await _owned(session, poa_id=poa_id, citizen_id=citizen_id, lock=False)
    return await PoaRepository(session).transitions(poa_id)


# -- what other services report -----------------------------------------------------------


async def paid(
    session: AsyncSession, *, poa_id: uuid.UUID, event: PaymentSucceeded, evidence: FactRef, now: datetime
) -> bool:
    """payment-svc says a payment succeeded (`evidence`: that signed event). False if `poa_id` is
    not a power of attorney."""
    poa = await PoaRepository(session).get(poa_id, for_update=True)
    if poa is None:
        return False
    actor = f"payment:{event.payment_id}"
    verdict = await payable.settle(session, event, payable.order_of(poa), now=now)
    if verdict.reason is not None:
        await PoaRepository(session).add_transition(
            PoaTransition(poa_id=poa.id, from_status=poa.status, to_status=poa.status, actor=actor,
                          reason=f"payment refused: {verdict.reason}", at=now)
        )  # fmt: skip
    if not verdict.apply:
        return True
    poa.payment_id, poa.paid_piastres, poa.paid_at = event.payment_id, event.amount_piastres, event.paid_at
    poa.payment_evidence = evidence.stored()
    await _move(session, poa, Status.PAID, now=now, actor=actor, reason=event.provider_reference)
    await record(
        session,
        PoaPaid(
            poa_id=poa.id,
            citizen_id=poa.citizen_id,
            principal_national_id=poa.principal_national_id,
            kind=poa.kind,
            service_code=poa.service_code,
            governorate=poa.governorate,
            order_ref=poa.order_ref,
            paid_at=event.paid_at,
        ),
    )
    # The principal verifies in person at an office: office routing books the visit.
    await record(
        session,
        AppointmentRequested(
            order_ref=poa.order_ref,
            citizen_id=poa.citizen_id,
            national_id=poa.principal_national_id,
            service_code=poa.service_code,
            governorate=poa.governorate,
            requested_at=now,
        ),
    )
    return True


async def appointment_booked(
    session: AsyncSession, *, poa_id: uuid.UUID, event: AppointmentBooked, now: datetime
) -> None:
    poa = await PoaRepository(session).get(poa_id, for_update=True)
    if poa is None or poa.status not in PAID_STATES:
        log.info("appointment %s for poa %s not applied (%s)", event.appointment_id, poa_id, poa and poa.status)
        return
    poa.appointment_id, poa.office_id = event.appointment_id, event.office_id
    poa.appointment_starts_at, poa.appointment_ends_at = event.starts_at, event.ends_at
    await _move(
        session,
        poa,
        Status.APPOINTMENT_BOOKED,
        now=now,
        actor=f"office:{event.office_id}",
        reason=str(event.appointment_id),
    )


async def appointment_cancelled(
    session: AsyncSession, *, poa_id: uuid.UUID, event: AppointmentCancelled, now: datetime
) -> None:
    """A no-show waits for the citizen to rebook (office-routing's reschedule); an appointment
    the citizen or the office cancelled leaves it paid, awaiting a new one."""
    poa = await PoaRepository(session).get(poa_id, for_update=True)
    if poa is None or poa.status != Status.APPOINTMENT_BOOKED or poa.appointment_id != event.appointment_id:
        return  # an older appointment, or one we cancelled ourselves
    to = Status.NO_SHOW if event.reason == "no_show" else Status.PAID
    await _move(session, poa, to, now=now, actor=f"office:{event.office_id}", reason=event.reason)


async def appointment_verified(
    session: AsyncSession,
    *,
    poa_id: uuid.UUID,
    event: AppointmentVerified,
    evidence: FactRef,
    signer: DocumentSigner,
    now: datetime,
) -> None:
    """The clerk confirmed the principal in person (`evidence`: that signed event): issue (number,
    frozen content, signature)."""
    poa = await PoaRepository(session).get(poa_id, for_update=True)
    if poa is None or poa.status not in PAID_STATES:
        log.warning("verification %s for poa %s ignored (%s)", event.appointment_id, poa_id, poa and poa.status)
        return
    poa.office_id, poa.appointment_id = event.office_id, event.appointment_id
    poa.verified_at, poa.clerk_id = event.verified_at, event.clerk_id
    poa.verification_evidence = evidence.stored()
    await _move(
        session, poa, Status.VERIFIED, now=now, actor=f"clerk:{event.clerk_id}", reason=f"office {event.office_id}"
    )
    scopes = [BY_CODE[c] for c in poa.scopes]
    doc = await documents.issue(
        session,
        signer=signer,
        kind="poa",
        citizen_id=poa.citizen_id,
        source_id=poa.id,
        now=now,
        valid_until=poa.valid_until,
        content={
            "poa_id": str(poa.id),
            "kind": poa.kind,
            "principal": poa.principal,
            "agents": poa.agents,
            "scope": [{"code": s.code, "ar": s.ar, "en": s.en} for s in scopes],
            "special_conditions": poa.special_conditions,
            "office_id": str(event.office_id),
            "verified_at": event.verified_at.isoformat(),
        },
    )
    poa.document_number, poa.issued_at = doc.number, now
    await _move(session, poa, Status.ISSUED, now=now, actor="notary-svc", reason=doc.number)
    agent_ids = tuple(a["national_id"] for a in poa.agents)
    await record(
        session,
        PoaIssued(
            poa_id=poa.id,
            document_number=doc.number,
            kind=poa.kind,
            principal_national_id=poa.principal_national_id,
            agent_national_id=agent_ids[0],
            agent_national_ids=agent_ids,
            scope=tuple(s.ar for s in scopes),
            special_conditions=tuple(poa.special_conditions),
            office_id=event.office_id,
            valid_until=poa.valid_until,
            issued_at=now,
        ),
    )
