"""Issuing a signed document for an approved application, and checking one (anyone, with the
number and its verification code)."""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications.documents.models import Document
from applications.documents.schemas import DocumentOut, OwnDocumentOut
from kit.document_signing import DocumentSigner, canonical
from kit.errors import NotFound

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


async def issue(
    session: AsyncSession,
    *,
    application_id: uuid.UUID,
    citizen_id: uuid.UUID,
    content: dict[str, Any],
    validity_days: int | None,
    signer: DocumentSigner,
    now: datetime,
) -> Document:
    number = f"AP-{now:%Y}-{secrets.randbelow(10**10):010d}"
    signed = {**content, "number": number, "issued_at": now.isoformat(), "key_id": signer.key_id}
    data = canonical(signed)
    doc = Document(
        number=number,
        application_id=application_id,
        citizen_id=citizen_id,
        content=signed,
        canonical=data,
        signature=signer.sign(data),
        key_id=signer.key_id,
        verification_code="".join(secrets.choice(_CODE_ALPHABET) for _ in range(10)),
        issued_at=now,
        valid_until=now + timedelta(days=validity_days) if validity_days else None,
    )
    session.add(doc)
    await session.flush()
    return doc


def out(doc: Document, signer: DocumentSigner, *, now: datetime) -> DocumentOut:
    status = "expired" if doc.valid_until is not None and now > doc.valid_until else "valid"
    return DocumentOut(
        number=doc.number,
        status=status,
        content=doc.content,
        canonical=doc.canonical.decode(),
        signature=doc.signature,
        key=signer.jwk(),
        issued_at=doc.issued_at,
        valid_until=doc.valid_until,
    )


async def verify(session: AsyncSession, *, number: str, code: str) -> Document:
    """The document if `code` is its verification code; the same 404 for a wrong number or code."""
    doc = await session.get(Document, number)
    if doc is None or not hmac.compare_digest(doc.verification_code.encode(), code.strip().upper().encode()):
        raise NotFound("document_not_found")
    return doc


async def of_application(
    session: AsyncSession, *, number: str | None, citizen_id: uuid.UUID, signer: DocumentSigner, now: datetime
) -> OwnDocumentOut:
    doc = await session.get(Document, number) if number else None
    if doc is None or doc.citizen_id != citizen_id:
        raise NotFound("document_not_found")
    return OwnDocumentOut(**out(doc, signer, now=now).model_dump(), verification_code=doc.verification_code)
