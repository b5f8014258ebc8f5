from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from kit.document_signing import b64url
from notary.documents.models import Document
from notary.documents.service import status_of


class VerificationOut(BaseModel):
    """The minimum a bank or court needs: is it genuine, and is it still in force."""

    document_number: str
    kind: str
    status: Literal["valid", "revoked", "expired"]
    issued_at: datetime
    valid_until: date | None
    revoked_at: datetime | None
    content_sha256: str = Field(description="SHA-256 of the canonical content printed on the document.")
    key_id: str

    @classmethod
    def of(cls, doc: Document, *, now: datetime) -> VerificationOut:
        return cls(
            document_number=doc.number,
            kind=doc.kind,
            status=status_of(doc, now=now),
            issued_at=doc.issued_at,
            valid_until=doc.valid_until,
            revoked_at=doc.revoked_at,
            content_sha256=doc.content_sha256,
            key_id=doc.key_id,
        )


class DocumentOut(VerificationOut):
    """The holder's view: the frozen content, its detached signature and the verification code."""

    verification_code: str
    content: dict[str, Any]
    canonical: str = Field(description="The exact signed bytes, base64url (canonical JSON, UTF-8).")
    signature: str = Field(description="Ed25519 signature over the canonical bytes, base64url.")
    algorithm: Literal["EdDSA"] = "EdDSA"

    @classmethod
    def of(cls, doc: Document, *, now: datetime) -> DocumentOut:
        base = VerificationOut.of(doc, now=now).model_dump()
        return cls(
            **base,
            verification_code=doc.verification_code,
            content=doc.content,
            canonical=b64url(doc.canonical),
            signature=doc.signature,
        )


class DocumentSummary(VerificationOut):
    verification_code: str

    @classmethod
    def of(cls, doc: Document, *, now: datetime) -> DocumentSummary:
        return cls(**VerificationOut.of(doc, now=now).model_dump(), verification_code=doc.verification_code)


class DocumentPage(BaseModel):
    items: list[DocumentSummary]
    next_cursor: str | None


class SigningKeys(BaseModel):
    keys: list[dict[str, str]]
    canonicalization: str = (
        "JSON of the content object with keys sorted, separators ',' and ':', no whitespace, "
        "non-ASCII characters unescaped, UTF-8"
    )
