from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class DocumentOut(BaseModel):
    """A signed document: its content as signed, the signature and the key that checks it offline."""

    number: str = Field(examples=["AP-2027-4821093375"])
    status: Literal["valid", "expired"]
    content: dict[str, Any]
    canonical: str = Field(description="The exact signed text (canonical JSON).")
    signature: str = Field(description="Ed25519 over `canonical`, base64url.")
    key: dict[str, str] = Field(description="The public key (JWK) that checks the signature.")
    issued_at: datetime
    valid_until: datetime | None


class OwnDocumentOut(DocumentOut):
    verification_code: str = Field(description="Give it with the number to whoever must check the document.")
