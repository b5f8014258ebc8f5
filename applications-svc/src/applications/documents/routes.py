"""Anyone (a bank, a court) checks a document with its number and verification code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from applications.deps import Ctx, Now
from applications.documents import service
from applications.documents.schemas import DocumentOut
from kit.app import Session
from kit.errors import responses

router = APIRouter(prefix="/v1/application-documents", tags=["application documents"])


@router.get("/{number}/verification", response_model=DocumentOut, responses=responses(404, 422))
async def verify_application_document(
    number: Annotated[str, Path(pattern=r"^AP-[0-9]{4}-[0-9]{10}$", examples=["AP-2027-4821093375"])],
    code: Annotated[str, Query(min_length=6, max_length=20, pattern=r"^[A-Za-z0-9]+$", examples=["K7PQ2M9XTA"])],
    session: Session,
    ctx: Ctx,
    now: Now,
) -> DocumentOut:
    """The document as signed, whether it is still valid, and the key that checks its signature
    offline; a wrong number or code is the same 404."""
    doc = await service.verify(session, number=number, code=code)
    return service.out(doc, ctx.resources.signer, now=now)
