"""Birth, marriage and divorce certificates for the citizen or the family the registry links:
request (with a locked quote), pay, issued at once from the registry's data (no office visit).

The registry facts are taken when the request is made (the link is checked then) and frozen
into the document when payment-svc reports the fee paid. A payment is taken as `kit.payable`
judges it (the request's citizen, service, fee, and that it still awaits payment); any other is
refused and payment-svc refunds it (a request cancelled while its payment was in flight included)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.notary import CertificateIssued
from contracts.events.payment import PaymentSucceeded
from kit import i18n, payable
from kit.catalog import Catalog
from kit.document_signing import DocumentSigner
from kit.errors import FieldError, NotFound, ProblemError
from kit.messaging import record
from kit.registry import Marriage, Registry, RegistryPerson
from kit.repository import Page
from notary import governorates
from notary.certificates.models import CertificateRequest, CertStatus
from notary.certificates.repository import CertificateRepository
from notary.certificates.schemas import (
    CreateCertificate,
    FamilyMember,
    FamilyOut,
    MarriageOut,
    MarriageRelation,
    Relation,
)
from notary.documents import service as documents
from notary.settings import Settings
from notary.texts import status_words

SERVICE_CODES = {
    "birth": "civil.certificate.birth",
    "marriage": "civil.certificate.marriage",
    "divorce": "civil.certificate.divorce",
}


def _refuse(field: str, code: str) -> ProblemError:
    return ProblemError(
        "certificate_not_allowed",
        status=422,
        errors=[FieldError(field=field, reason=i18n.text(f"field.{code}"), code=code)],
    )


async def _me(registry: Registry, national_id: str) -> RegistryPerson:
    me = await registry.person(national_id)
    if me is None:
        raise ProblemError("citizen_not_in_registry", status=403)
    return me


def _relation(me: RegistryPerson, nid: str) -> Relation | None:
    if nid == me.national_id:
        return "self"
    if nid == me.spouse_national_id:
        return "spouse"
    if nid in me.children:
        return "child"
    if nid in (me.father_national_id, me.mother_national_id):
        return "parent"
    return None


async def family(registry: Registry, *, national_id: str) -> FamilyOut:
    """Who you may ask certificates for, as the registry links them."""
    me = await _me(registry, national_id)
    ids = [me.national_id, me.spouse_national_id, *me.children, me.father_national_id, me.mother_national_id]
    members: list[FamilyMember] = []
    marriages = [_marriage_out(m, "self") for m in me.marriages]
    for nid in dict.fromkeys(i for i in ids if i):
        person = me if nid == me.national_id else await registry.person(nid)
        relation = _relation(me, nid)
        if person is None or relation is None:
            continue
        members.append(FamilyMember(national_id=nid, full_name_ar=person.full_name_ar, relation=relation,
                                    birth_date=person.birth_date, alive=person.alive))  # fmt: skip
        if relation == "parent":
            marriages += [
                _marriage_out(m, "parent")
                for m in person.marriages
                if m.marriage_id not in {x.marriage_id for x in marriages}
            ]
    return FamilyOut(members=members, marriages=marriages)


def _marriage_out(m: Marriage, relation: MarriageRelation) -> MarriageOut:
    return MarriageOut(relation=relation, **m.model_dump(exclude={"governorate"}))


def _person_facts(p: RegistryPerson) -> dict[str, Any]:
    return {"national_id": p.national_id, "full_name_ar": p.full_name_ar, "full_name_latin": p.full_name_latin}


async def _facts(
    registry: Registry, me: RegistryPerson, body: CreateCertificate
) -> tuple[Relation, list[str], dict[str, Any]]:
    if body.kind == "birth":
        nid = body.national_id or me.national_id
        relation = _relation(me, nid)
        if relation is None:
            raise _refuse("body.national_id", "not_family")
        person = me if nid == me.national_id else await registry.person(nid)
        if person is None:
            raise _refuse("body.national_id", "not_found_in_registry")
        father = await registry.person(person.father_national_id) if person.father_national_id else None
        mother = await registry.person(person.mother_national_id) if person.mother_national_id else None
        facts = {
            "person": {
                **_person_facts(person),
                "birth_date": person.birth_date.isoformat(),
                "sex": person.sex,
                "birth_governorate": governorates.of_national_id(person.national_id),
                "father_name_ar": father.full_name_ar if father else None,
                "mother_name_ar": mother.full_name_ar if mother else person.mother_first_name_ar,
            }
        }
        return relation, [nid], facts
    marriage = next((m for m in me.marriages if m.marriage_id == body.marriage_id), None)
    whose: MarriageRelation = "self"
    if marriage is None:
        whose = "parent"
        for parent_id in filter(None, (me.father_national_id, me.mother_national_id)):
            parent = await registry.person(parent_id)
            marriage = next(
                (m for m in (parent.marriages if parent else []) if m.marriage_id == body.marriage_id), None
            )
            if marriage is not None:
                break
    if marriage is None:
        raise _refuse("body.marriage_id", "not_your_marriage")
    if body.kind == "divorce" and marriage.divorce_date is None:
        raise _refuse("body.marriage_id", "not_divorced")
    husband = await registry.person(marriage.husband_national_id)
    wife = await registry.person(marriage.wife_national_id)
    facts = {
        "marriage": marriage.model_dump(mode="json"),
        "husband": _person_facts(husband)
        if husband
        else {"national_id": marriage.husband_national_id, "full_name_ar": ""},
        "wife": _person_facts(wife) if wife else {"national_id": marriage.wife_national_id, "full_name_ar": ""},
    }
    return whose, [marriage.husband_national_id, marriage.wife_national_id], facts


async def request(
    session: AsyncSession,
    *,
    citizen_id: uuid.UUID,
    national_id: str,
    body: CreateCertificate,
    registry: Registry,
    catalog: Catalog,
    settings: Settings,
    now: datetime,
) -> CertificateRequest:
    repo = CertificateRepository(session)
    await _within_limit(repo, citizen_id, settings=settings, hold=False)  # a quick refusal
    me = await _me(registry, national_id)
    relation, subjects, facts = await _facts(registry, me, body)
    cert = CertificateRequest(
        id=uuid.uuid4(),
        citizen_id=citizen_id,
        kind=body.kind,
        relation=relation,
        subject_national_ids=subjects,
        marriage_id=body.marriage_id if body.kind != "birth" else None,
        facts=facts,
        service_code=SERVICE_CODES[body.kind],
        status=CertStatus.AWAITING_PAYMENT.value,
        channel=body.channel,
        method=body.method,
        created_at=now,
        updated_at=now,
    )
    await _quote(cert, catalog=catalog, governorate=me.governorate, now=now)
    await _within_limit(repo, citizen_id, settings=settings, hold=True)  # the binding check, until commit
    return await repo.add(cert)


async def _within_limit(repo: CertificateRepository, citizen_id: uuid.UUID, *, settings: Settings, hold: bool) -> None:
    if await repo.open_count(citizen_id, hold=hold) >= settings.open_requests_per_citizen:
        raise ProblemError("too_many_open_requests", status=409, params={"limit": settings.open_requests_per_citizen})


async def _quote(cert: CertificateRequest, *, catalog: Catalog, governorate: str | None, now: datetime) -> None:
    locked = await catalog.quote(
        service_code=cert.service_code,
        channel=cert.channel,
        method=cert.method,
        governorate=governorate,
        order_ref=cert.order_ref,
        citizen_id=cert.citizen_id,
    )
    cert.quote_id, cert.quote_token = locked.quote_id, locked.token
    cert.amount_piastres, cert.quote_expires_at = locked.total_piastres, locked.expires_at
    cert.updated_at = now


async def requote(
    session: AsyncSession,
    *,
    request_id: uuid.UUID,
    citizen_id: uuid.UUID,
    national_id: str,
    method: str | None,
    channel: str | None,
    registry: Registry,
    catalog: Catalog,
    now: datetime,
) -> CertificateRequest:
    cert = await _owned(session, request_id=request_id, citizen_id=citizen_id, lock=True)
    if cert.status != CertStatus.AWAITING_PAYMENT:
        raise ProblemError("certificate_state_conflict", status=409, params={"status": status_words(cert.status)})
    cert.method, cert.channel = method or cert.method, channel or cert.channel
    me = await _me(registry, national_id)
    await _quote(cert, catalog=catalog, governorate=me.governorate, now=now)
    return cert


async def cancel(
    session: AsyncSession, *, request_id: uuid.UUID, citizen_id: uuid.UUID, now: datetime
) -> CertificateRequest:
    """Only while unpaid (a payment already in flight is refused, and refunded, when it arrives)."""
    cert = await _owned(session, request_id=request_id, citizen_id=citizen_id, lock=True)
    if cert.status != CertStatus.AWAITING_PAYMENT:
        raise ProblemError("certificate_state_conflict", status=409, params={"status": status_words(cert.status)})
    cert.status, cert.cancelled_at, cert.updated_at = CertStatus.CANCELLED.value, now, now
    return cert


async def _owned(
    session: AsyncSession, *, request_id: uuid.UUID, citizen_id: uuid.UUID, lock: bool
) -> CertificateRequest:
    repo = CertificateRepository(session)
    cert = await repo.get(request_id, for_update=lock)
    if cert is None or cert.citizen_id != citizen_id:
        raise NotFound("certificate_not_found")
    return cert


async def get(session: AsyncSession, *, request_id: uuid.UUID, citizen_id: uuid.UUID) -> CertificateRequest:
    return await _owned(session, request_id=request_id, citizen_id=citizen_id, lock=False)


async def page_for(
    session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[CertificateRequest]:
    return await CertificateRepository(session).page_for(citizen_id, limit=limit, cursor=cursor)


async def paid(
    session: AsyncSession, *, request_id: uuid.UUID, event: PaymentSucceeded, signer: DocumentSigner, now: datetime
) -> bool:
    """The fee is paid: issue at once. False if `request_id` is not a certificate request."""
    cert = await CertificateRepository(session).get(request_id, for_update=True)
    if cert is None:
        return False
    verdict = await payable.settle(session, event, payable.order_of(cert), now=now)
    if not verdict.apply:
        return True
    doc = await documents.issue(
        session,
        signer=signer,
        kind=cert.kind,
        citizen_id=cert.citizen_id,
        source_id=cert.id,
        content={"certificate_id": str(cert.id), **cert.facts},
        now=now,
    )
    cert.payment_id, cert.paid_at = event.payment_id, event.paid_at
    cert.status, cert.document_number, cert.issued_at, cert.updated_at = CertStatus.ISSUED.value, doc.number, now, now
    await record(
        session,
        CertificateIssued(
            certificate_id=cert.id,
            citizen_id=cert.citizen_id,
            kind=cert.kind,
            document_number=doc.number,
            subject_national_ids=tuple(cert.subject_national_ids),
            issued_at=now,
        ),
    )
    return True
