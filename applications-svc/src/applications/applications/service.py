"""An application from start to outcome: prefilled, answered, checked, submitted (the rules),
paid (catalog's quote, payment-svc), reviewed, decided, appealed, fulfilled. No HTTP, no SQL."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications.applications import answers as rules
from applications.applications import fulfilment
from applications.applications.history import step
from applications.applications.models import Application, Step
from applications.applications.repository import ApplicationRepository, StepRepository
from applications.definitions import service as definitions
from applications.definitions.schemas import DefinitionBody
from applications.facts import service as facts
from contracts.events.applications import (
    ApplicationAnswered,
    ApplicationAppealed,
    ApplicationCancelled,
    ApplicationDecided,
    ApplicationPaid,
    ApplicationQueued,
    ApplicationStarted,
    ApplicationSubmitted,
    Reason,
)
from contracts.events.payment import PaymentSucceeded
from kit import i18n, payable
from kit.catalog import Catalog
from kit.document_signing import DocumentSigner
from kit.errors import FieldError, NotFound, ProblemError
from kit.messaging import record
from kit.registry import Registry
from kit.repository import Page


async def body_of(session: AsyncSession, app: Application) -> DefinitionBody:
    """The definition version the application started on (never a later one)."""
    return DefinitionBody.model_validate((await definitions.get(session, definition_id=app.definition_id)).body)


async def start(
    session: AsyncSession,
    *,
    citizen_id: uuid.UUID,
    national_id: str,
    service_code: str,
    registry: Registry,
    max_open: int,
    now: datetime,
) -> Application:
    definition = await definitions.published(session, service_code=service_code)
    repo = ApplicationRepository(session)
    person = await facts.applicant(registry, national_id)
    await repo.lock_citizen(citizen_id)
    if await repo.open_count(citizen_id) >= max_open:
        raise ProblemError("too_many_open_applications", status=409, params={"limit": max_open})
    body = DefinitionBody.model_validate(definition.body)
    known = await facts.prefill(session, person=person, names=body.facts, today=facts.as_of(now))
    app = Application(
        id=uuid.uuid4(),
        citizen_id=citizen_id,
        national_id=national_id,
        governorate=person.governorate,
        service_code=service_code,
        definition_id=definition.id,
        definition_version=definition.version,
        status="draft",
        facts=known,
        answers={},
        reasons=[],
        appeal=False,
        created_at=now,
        updated_at=now,
    )
    await repo.add(app)
    await step(session, app, "started", actor="citizen", now=now, definition_version=definition.version)
    await record(
        session,
        ApplicationStarted(
            application_id=app.id,
            citizen_id=citizen_id,
            service_code=service_code,
            definition_version=definition.version,
            governorate=app.governorate,
            started_at=now,
        ),
    )
    return app


async def owned(
    session: AsyncSession, *, application_id: uuid.UUID, citizen_id: uuid.UUID, lock: bool = False
) -> Application:
    """The citizen's own; anyone else's answers as if it did not exist."""
    found = await ApplicationRepository(session).get(application_id, for_update=lock)
    if found is None or found.citizen_id != citizen_id:
        raise NotFound("application_not_found")
    return found


def _state_conflict(app: Application) -> ProblemError:
    words = i18n.Words(
        ar=i18n.text(f"applications.status.{app.status}", "ar"), en=i18n.text(f"applications.status.{app.status}", "en")
    )
    return ProblemError("application_state_conflict", status=409, params={"status": words})


def _field(question_id: str, code: str) -> FieldError:
    return FieldError(field=f"body.answers.{question_id}", reason=i18n.text(f"applications.answer.{code}"), code=code)


async def answer(
    session: AsyncSession, *, application_id: uuid.UUID, citizen_id: uuid.UUID, given: dict[str, Any], now: datetime
) -> Application:
    """Answers merged into the draft; each checked against its question (every error named)."""
    app = await owned(session, application_id=application_id, citizen_id=citizen_id, lock=True)
    if app.status != "draft":
        raise _state_conflict(app)
    body = await body_of(session, app)
    by_id = {q.id: q for q in body.questions}
    merged = {**app.answers, **given}
    visible = {s.question.id for s in rules.shown(body, app.facts, merged)}
    errors: list[FieldError] = []
    for qid, value in given.items():
        if qid not in by_id:
            errors.append(_field(qid, "unknown_question"))
        elif value is not None and qid not in visible:
            errors.append(_field(qid, "not_asked"))
        elif value is not None and (code := rules.check(by_id[qid], value, app.facts)) is not None:
            errors.append(_field(qid, code))
    if errors:
        raise ProblemError("answers_invalid", status=422, errors=errors)
    kept = {s.question.id for s in rules.shown(body, app.facts, merged)}
    app.answers = {k: v for k, v in merged.items() if v is not None and k in kept}
    app.updated_at = now
    await step(session, app, "answered", actor="citizen", now=now, questions=sorted(given))
    await record(
        session,
        ApplicationAnswered(
            application_id=app.id, citizen_id=citizen_id, questions=tuple(sorted(given)), answered_at=now
        ),
    )
    return app


async def submit(
    session: AsyncSession,
    *,
    application_id: uuid.UUID,
    citizen_id: uuid.UUID,
    channel: str,
    method: str,
    catalog: Catalog,
    signer: DocumentSigner,
    now: datetime,
) -> Application:
    """The answers checked whole, the rules decided; refused at once where a rule refuses, else
    priced by the catalogue and awaiting payment (or, free, on at once)."""
    app = await owned(session, application_id=application_id, citizen_id=citizen_id, lock=True)
    if app.status != "draft":
        raise _state_conflict(app)
    body = await body_of(session, app)
    absent = rules.missing(rules.shown(body, app.facts, app.answers))
    if absent:
        raise ProblemError("answers_missing", status=422, errors=[_field(q, "required") for q in absent])
    result, reasons = rules.decide(body, app.facts, app.answers)
    app.rules, app.channel, app.method, app.submitted_at, app.updated_at = result, channel, method, now, now
    await step(session, app, "submitted", actor="citizen", now=now, rules=result)
    if result == "failed":
        await _submitted(session, app, fee=None, now=now)
        await _decide(session, app, body, outcome="refused", by="rules", reasons=reasons, actor="rules", now=now)
        return app
    app.reasons = reasons
    quote = await catalog.quote(
        service_code=body.fee.tariff or app.service_code,
        channel=channel,
        method=method,
        governorate=app.governorate,
        order_ref=app.order_ref,
        citizen_id=citizen_id,
    )
    app.quote_id, app.quote_token, app.quote_expires_at = quote.quote_id, quote.token, quote.expires_at
    app.amount_piastres = quote.total_piastres
    await _submitted(session, app, fee=quote.total_piastres, now=now)
    if quote.total_piastres == 0:
        await proceed(session, app, body, signer=signer, now=now)
    else:
        app.status = "awaiting_payment"
    return app


async def _submitted(session: AsyncSession, app: Application, *, fee: int | None, now: datetime) -> None:
    await record(
        session,
        ApplicationSubmitted(
            application_id=app.id,
            citizen_id=app.citizen_id,
            service_code=app.service_code,
            definition_version=app.definition_version,
            rules=app.rules or "passed",
            fee_piastres=fee,
            submitted_at=now,
        ),
    )


async def proceed(
    session: AsyncSession, app: Application, body: DefinitionBody, *, signer: DocumentSigner, now: datetime
) -> None:
    """Paid (or free): decided by the rules where they decide, else into the officers' queue."""
    if app.rules == "passed" and body.review.mode == "rules":
        await _decide(session, app, body, outcome="approved", by="rules", reasons=[], actor="rules", now=now)
        await fulfilment.fulfil(session, app, body, signer=signer, now=now)
    else:
        await queue(session, app, body, now=now)


async def queue(session: AsyncSession, app: Application, body: DefinitionBody, *, now: datetime) -> None:
    app.status, app.due_at, app.escalated_at, app.updated_at = (
        "in_review",
        now + timedelta(hours=body.review.sla_hours),
        None,
        now,
    )
    await step(session, app, "queued", actor="system", now=now, due_at=app.due_at.isoformat(), appeal=app.appeal)
    await record(
        session,
        ApplicationQueued(
            application_id=app.id,
            service_code=app.service_code,
            governorate=app.governorate,
            appeal=app.appeal,
            due_at=app.due_at,
            queued_at=now,
        ),
    )


async def _decide(
    session: AsyncSession,
    app: Application,
    body: DefinitionBody,
    *,
    outcome: str,
    by: str,
    reasons: list[dict[str, str]],
    actor: str,
    now: datetime,
) -> None:
    app.outcome, app.decided_by, app.decided_at, app.reasons, app.updated_at = outcome, by, now, reasons, now
    appealable = outcome == "refused" and not app.appeal and body.review.appeal_days > 0
    app.appeal_deadline = now + timedelta(days=body.review.appeal_days) if appealable else None
    if outcome == "refused":
        app.status = "refused"
    await step(session, app, "decided", actor=actor, now=now, outcome=outcome, by=by, appeal=app.appeal)
    await record(
        session,
        ApplicationDecided(
            application_id=app.id,
            citizen_id=app.citizen_id,
            service_code=app.service_code,
            outcome=outcome,
            decided_by=by,
            appeal=app.appeal,
            reasons=tuple(Reason(**r) for r in reasons),
            appeal_deadline=app.appeal_deadline,
            decided_at=now,
        ),
    )


async def decide_as_officer(
    session: AsyncSession,
    *,
    app: Application,
    outcome: str,
    reason_ar: str,
    reason_en: str,
    officer: str,
    signer: DocumentSigner,
    now: datetime,
) -> Application:
    if app.status != "in_review":
        raise _state_conflict(app)
    body = await body_of(session, app)
    reasons = [{"code": "officer", "text_ar": reason_ar, "text_en": reason_en}]
    await _decide(
        session, app, body, outcome=outcome, by="officer", reasons=reasons, actor=f"officer:{officer}", now=now
    )
    if outcome == "approved":
        await fulfilment.fulfil(session, app, body, signer=signer, now=now)
    return app


async def appeal(
    session: AsyncSession, *, application_id: uuid.UUID, citizen_id: uuid.UUID, grounds: str, now: datetime
) -> Application:
    app = await owned(session, application_id=application_id, citizen_id=citizen_id, lock=True)
    if app.status != "refused" or app.appeal_deadline is None:
        raise ProblemError("not_appealable", status=409)
    if now > app.appeal_deadline:
        raise ProblemError("appeal_window_closed", status=409, params={"deadline": i18n.Day(app.appeal_deadline)})
    app.appeal, app.appeal_grounds, app.outcome = True, grounds, None
    await step(session, app, "appealed", actor="citizen", now=now)
    await record(
        session,
        ApplicationAppealed(
            application_id=app.id, citizen_id=citizen_id, service_code=app.service_code, appealed_at=now
        ),
    )
    await queue(session, app, await body_of(session, app), now=now)
    return app


async def cancel(
    session: AsyncSession, *, application_id: uuid.UUID, citizen_id: uuid.UUID, now: datetime
) -> Application:
    """Only before payment (a payment in flight is refused, and refunded, when it arrives)."""
    app = await owned(session, application_id=application_id, citizen_id=citizen_id, lock=True)
    if app.status not in ("draft", "awaiting_payment"):
        raise _state_conflict(app)
    app.status, app.updated_at = "cancelled", now
    await step(session, app, "cancelled", actor="citizen", now=now)
    await record(
        session,
        ApplicationCancelled(
            application_id=app.id, citizen_id=citizen_id, service_code=app.service_code, cancelled_at=now
        ),
    )
    return app


async def paid(
    session: AsyncSession, order_id: uuid.UUID, event: PaymentSucceeded, *, signer: DocumentSigner, now: datetime
) -> None:
    """payment-svc's announcement: answered (applied or refused) in this transaction, the
    application going on once."""
    app = await ApplicationRepository(session).get(order_id, for_update=True)
    body = None if app is None else await body_of(session, app)
    order = None if app is None or body is None else _order(app, body)
    verdict = await payable.settle(session, event, order, now=now)
    if not verdict.apply or app is None or body is None:
        return
    app.payment_id, app.updated_at = event.payment_id, now
    await step(session, app, "paid", actor="payment", now=now, amount_piastres=event.amount_piastres)
    await record(
        session,
        ApplicationPaid(
            application_id=app.id,
            citizen_id=app.citizen_id,
            payment_id=event.payment_id,
            amount_piastres=event.amount_piastres,
            paid_at=now,
        ),
    )
    await proceed(session, app, body, signer=signer, now=now)


def _order(app: Application, body: DefinitionBody) -> payable.Order:
    return payable.Order(
        citizen_id=app.citizen_id,
        service_code=body.fee.tariff or app.service_code,
        fee_piastres=app.amount_piastres,
        awaiting_payment=app.status == "awaiting_payment",
        paid_by=app.payment_id,
        ended="order_cancelled" if app.status == "cancelled" else None,
    )


async def page_for(
    session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[Application]:
    return await ApplicationRepository(session).page_for(citizen_id, limit=limit, cursor=cursor)


async def history(session: AsyncSession, app: Application) -> list[Step]:
    return await StepRepository(session).of(app.id)
