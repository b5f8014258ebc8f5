"""Serving an approved application as its definition says: a signed document online, a parcel
by post with its tracking number, or a visit booked through office routing."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from applications.applications.history import step
from applications.applications.models import Application
from applications.definitions.schemas import DefinitionBody
from applications.documents import service as documents
from applications.facts.service import CHOICE_KEYS
from contracts.events.applications import ApplicationFulfilled
from contracts.events.office import AppointmentRequested
from kit.document_signing import DocumentSigner
from kit.messaging import record

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def tracking_number() -> str:
    """A UPU S10 item identifier (as Egypt Post's tracking numbers): `EE` + 8 digits + check digit + `EG`."""
    digits = f"{secrets.randbelow(10**8):08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, _S10_WEIGHTS, strict=True)) % 11
    return f"EE{digits}{ {10: 0, 11: 5}.get(check, check) }EG"


def _content(app: Application, body: DefinitionBody) -> dict[str, object]:
    values = {"facts": app.facts, "answers": app.answers}
    from_facts = {q.id: q.choices_from for q in body.questions if q.choices_from}
    fields = []
    for field in body.fulfilment.fields:
        kind, _, name = field.source.partition(".")
        value = values[kind].get(name)
        if kind == "answers" and name in from_facts:  # the item chosen, as the authority holds it
            source = from_facts[name]
            key = CHOICE_KEYS[source]
            value = next((item for item in app.facts.get(source) or [] if str(item.get(key)) == value), value)
        fields.append({"label_ar": field.label.ar, "label_en": field.label.en, "value": value})
    title = body.fulfilment.title or body.name
    return {
        "service_code": app.service_code,
        "definition_version": app.definition_version,
        "title_ar": title.ar,
        "title_en": title.en,
        "holder_national_id": app.national_id,
        "application_id": str(app.id),
        "fields": fields,
    }


async def fulfil(
    session: AsyncSession, app: Application, body: DefinitionBody, *, signer: DocumentSigner, now: datetime
) -> None:
    kind = body.fulfilment.kind
    if kind == "office":
        app.status, app.updated_at = "awaiting_visit", now
        await step(session, app, "visit_requested", actor="system", now=now)
        await record(
            session,
            AppointmentRequested(
                order_ref=app.order_ref,
                citizen_id=app.citizen_id,
                national_id=app.national_id,
                service_code=app.service_code,
                governorate=app.governorate,
                requested_at=now,
            ),
        )
        return
    if kind == "document":
        doc = await documents.issue(
            session,
            application_id=app.id,
            citizen_id=app.citizen_id,
            content=_content(app, body),
            validity_days=body.fulfilment.validity_days,
            signer=signer,
            now=now,
        )
        app.document_number = doc.number
    else:
        app.tracking_number = tracking_number()
    await complete(
        session, app, now=now, detail={"document_number": app.document_number, "tracking_number": app.tracking_number}
    )


async def complete(session: AsyncSession, app: Application, *, now: datetime, detail: dict[str, object]) -> None:
    kind = "office" if app.status == "awaiting_visit" else ("document" if app.document_number else "post")
    app.status, app.updated_at = "fulfilled", now
    await step(session, app, "fulfilled", actor="system", now=now, **detail)
    await record(
        session,
        ApplicationFulfilled(
            application_id=app.id,
            citizen_id=app.citizen_id,
            service_code=app.service_code,
            fulfilment=kind,
            document_number=app.document_number,
            tracking_number=app.tracking_number,
            fulfilled_at=now,
        ),
    )
