"""The citizen's issued document: a printable bilingual page with a QR code that opens the
public verification of that very document (number and code in the link)."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from kit import i18n
from web.deps import Page

router = APIRouter(include_in_schema=False)


@router.get("/documents/{number}")
async def document(page: Page, number: str) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", f"/v1/documents/{number}")
    query = urlencode({"number": found["document_number"], "code": found["verification_code"]})
    link = str(page.request.base_url).rstrip("/") + f"/verify?{query}"
    qr = segno.make(link, error="m").svg_data_uri(scale=4, border=2)
    return page.render("document.html", document=found, link=link, qr=qr,
                       title=i18n.text("web.document.title", page.lang))  # fmt: skip
