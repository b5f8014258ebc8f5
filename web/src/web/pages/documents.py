"""The citizen's documents: every issued power of attorney and certificate in one list, and each
as a printable bilingual page with a QR code that opens the public verification of that very
document (number and code in the link)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from kit import i18n
from web.deps import Page

router = APIRouter(include_in_schema=False)


@router.get("/documents")
async def mine(page: Page, cursor: Annotated[str | None, Query(max_length=500)] = None) -> HTMLResponse:
    """Newest first on each page (the API lists them oldest first)."""
    page.require("citizen")
    found = await page.api("GET", "/v1/documents", params={"limit": 50, **({"cursor": cursor} if cursor else {})})
    items = sorted(found["items"], key=lambda d: d["issued_at"], reverse=True)
    return page.render("documents.html", items=items, next_cursor=found.get("next_cursor"),
                       title=i18n.text("web.documents.title", page.lang))  # fmt: skip


@router.get("/documents/{number}")
async def document(page: Page, number: str) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", f"/v1/documents/{number}")
    query = urlencode({"number": found["document_number"], "code": found["verification_code"]})
    link = str(page.request.base_url).rstrip("/") + f"/verify?{query}"
    qr = segno.make(link, error="m").svg_data_uri(scale=4, border=2)
    return page.render("document.html", document=found, link=link, qr=qr,
                       title=i18n.text("web.document.title", page.lang))  # fmt: skip
