"""An application as the applicant (or an officer) sees it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from applications.applications import answers as rules
from applications.applications.models import Application
from applications.applications.schemas import (
    ApplicationOut,
    CheckItem,
    CheckOut,
    PaymentInstructions,
    Reason,
    ShownQuestion,
)
from applications.applications.service import body_of


async def application_out(session: AsyncSession, app: Application) -> ApplicationOut:
    body = await body_of(session, app)
    shown = rules.shown(body, app.facts, app.answers)
    payment = None
    if app.status == "awaiting_payment" and app.quote_token and app.method:
        payment = PaymentInstructions(order_id=str(app.id), quote=app.quote_token, method=app.method)
    return ApplicationOut(
        id=app.id,
        service_code=app.service_code,
        name=body.name,
        definition_version=app.definition_version,
        status=app.status,
        governorate=app.governorate,
        facts=app.facts,
        questions=[ShownQuestion(question=s.question, choices=s.choices, answer=s.answer) for s in shown],
        rules=app.rules,
        outcome=app.outcome,
        reasons=[Reason(**r) for r in app.reasons],
        amount_piastres=app.amount_piastres,
        payment=payment,
        payment_id=app.payment_id,
        fulfilment=body.fulfilment.kind,
        document_number=app.document_number,
        tracking_number=app.tracking_number,
        appeal=app.appeal,
        appeal_deadline=app.appeal_deadline,
        due_at=app.due_at,
        escalated_at=app.escalated_at,
        created_at=app.created_at,
        updated_at=app.updated_at,
        submitted_at=app.submitted_at,
        decided_at=app.decided_at,
    )


async def check_out(session: AsyncSession, app: Application) -> CheckOut:
    body = await body_of(session, app)
    shown = rules.shown(body, app.facts, app.answers)
    missing = rules.missing(shown)
    items = [
        CheckItem(id=s.question.id, label=s.question.label, answer=s.answer, missing=s.question.id in missing)
        for s in shown
    ]
    return CheckOut(application_id=app.id, items=items, missing=missing, facts=app.facts, ready=not missing)
