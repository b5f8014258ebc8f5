"""Issuing, revoking and verifying documents. Content is frozen and signed at issue."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from kit.clock import CAIRO, local_day
from kit.document_signing import DocumentSigner, canonical
from kit.errors import NotFound
from kit.repository import Page
from notary.documents.models import Document
from notary.documents.repository import DocumentRepository

PREFIX = {"poa": "POA", "birth": "BC", "marriage": "MC", "divorce": "DC"}
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone

DocumentStatus = Literal["valid", "revoked", "expired"]


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


def status_of(doc: Document, *, now: datetime) -> DocumentStatus:
    """In force, revoked, or expired (its last valid day, in Egypt, is past)."""
    if doc.revoked_at is not None:
        return "revoked"
    if doc.valid_until is not None and doc.valid_until < local_day(now):
        return "expired"
    return "valid"


async def issue(
    session: AsyncSession,
    *,
    signer: DocumentSigner,
    kind: str,
    citizen_id: uuid.UUID,
    source_id: uuid.UUID,
    content: dict[str, Any],
    now: datetime,
    valid_until: date | None = None,
) -> Document:
    """Number, freeze and sign `content` (once per source: a repeat returns the first document)."""
    repo = DocumentRepository(session)
    existing = await repo.by_source(source_id)
    if existing is not None:
        return existing
    number = f"{PREFIX[kind]}-{now.astimezone(CAIRO):%Y}-{await repo.next_serial():08d}"
    frozen = {
        **content,
        "document_number": number,
        "document_kind": kind,
        "issued_at": now.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "issuer": "Shubbak notary-svc",
    }
    data = canonical(frozen)
    doc = Document(
        number=number,
        kind=kind,
        citizen_id=citizen_id,
        source_id=source_id,
        content=frozen,
        canonical=data,
        content_sha256=hashlib.sha256(data).hexdigest(),
        signature=signer.sign(data),
        key_id=signer.key_id,
        verification_code=new_code(),
        issued_at=now,
        valid_until=valid_until,
    )
    return await repo.add(doc)


async def revoke(session: AsyncSession, *, number: str, reason: str | None, now: datetime) -> None:
    doc = await DocumentRepository(session).get(number, for_update=True)
    if doc is not None and doc.revoked_at is None:
        doc.revoked_at = now
        doc.revoke_reason = reason


async def verify(session: AsyncSession, *, number: str, code: str) -> Document:
    """The document if `code` is its verification code; the same 404 for a wrong number or code."""
    doc = await DocumentRepository(session).get(number)
    if doc is None or not hmac.compare_digest(doc.verification_code.encode(), code.strip().upper().encode()):
        raise NotFound("document_not_found")
    return doc


async def own(session: AsyncSession, *, number: str, citizen_id: uuid.UUID) -> Document:
    doc = await DocumentRepository(session).get(number)
    if doc is None or doc.citizen_id != citizen_id:
        raise NotFound("document_not_found")
    return doc


async def page_for(session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None) -> Page[Document]:
    """The documents issued to the citizen, oldest first."""
    return await DocumentRepository(session).page_for(citizen_id, limit=limit, cursor=cursor)
