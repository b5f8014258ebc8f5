from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import HTMLResponse, Response

from kit import i18n
from kit.app import Session
from kit.errors import responses
from notary.deps import Citizen, Ctx, Now, citizen_id
from notary.documents import render, service
from notary.documents.schemas import DocumentOut, DocumentPage, DocumentSummary, SigningKeys, VerificationOut

router = APIRouter(prefix="/v1/documents", tags=["documents"])

Number = Annotated[str, Path(min_length=5, max_length=50, pattern=r"^[A-Z]{2,3}-[0-9]{4}-[0-9]{8}$")]
Code = Annotated[
    str, Query(min_length=6, max_length=32, pattern=r"^[A-Za-z0-9]+$", description="Printed on the document.")
]


@router.get("/signing-keys", responses=responses(404))
async def list_signing_keys(ctx: Ctx, response: Response) -> SigningKeys:
    """The public keys documents are signed with (Ed25519, JWK), for offline checks."""
    response.headers["Cache-Control"] = "public, max-age=3600"
    return SigningKeys(keys=[ctx.resources.signer.jwk()])


@router.get("", responses=responses(401, 403, 422))
async def my_documents(
    caller: Citizen, session: Session, now: Now, limit: int = Query(20, ge=1, le=100), cursor: str | None = None
) -> DocumentPage:
    """Documents issued to you, oldest first."""
    page = await service.page_for(session, citizen_id=citizen_id(caller), limit=limit, cursor=cursor)
    return DocumentPage(items=[DocumentSummary.of(d, now=now) for d in page.items], next_cursor=page.next_cursor)


@router.get("/{number}/verification", responses=responses(404, 422))
async def verify_document(
    number: Number, code: Code, session: Session, now: Now, response: Response
) -> VerificationOut:
    """Public: anyone holding the document (a bank, a court) checks it is genuine and in force."""
    response.headers["Cache-Control"] = "no-store"
    return VerificationOut.of(await service.verify(session, number=number, code=code), now=now)


@router.get("/{number}", responses=responses(401, 403, 404, 422))
async def get_document(number: Number, caller: Citizen, session: Session, now: Now) -> DocumentOut:
    """Your document with its frozen content and detached signature."""
    return DocumentOut.of(await service.own(session, number=number, citizen_id=citizen_id(caller)), now=now)


@router.get("/{number}/page", response_class=HTMLResponse, responses=responses(401, 403, 404, 422))
async def get_printable_document(number: Number, caller: Citizen, session: Session, ctx: Ctx, now: Now) -> HTMLResponse:
    """Your document as a printable page in your language (print to PDF from the browser)."""
    doc = await service.own(session, number=number, citizen_id=citizen_id(caller))
    language = i18n.current_language()
    html = render.page(doc, public_key_x=ctx.resources.signer.jwk()["x"], language=language, now=now)
    return HTMLResponse(html, headers={"Content-Language": language})
