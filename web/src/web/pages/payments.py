"""My payments and receipts: every payment the citizen made or started, with its status, and the
receipt of each successful one, as payment-svc writes it in the page's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from kit import i18n
from web.deps import Page

router = APIRouter(include_in_schema=False)


@router.get("/payments")
async def mine(page: Page, cursor: Annotated[str | None, Query(max_length=500)] = None) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", "/v1/payments", params={"limit": 50, **({"cursor": cursor} if cursor else {})})
    return page.render("payments.html", items=found["items"], next_cursor=found.get("next_cursor"),
                       title=i18n.text("web.payments.title", page.lang))  # fmt: skip


@router.get("/receipts/{number}")
async def receipt(page: Page, number: Annotated[str, Path(pattern=r"^RC-[0-9]{4}-[0-9]{8,}$")]) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", f"/v1/receipts/{number}")
    return page.render(
        "receipt.html", receipt=found, title=found.get("title") or i18n.text("web.receipt.title", page.lang)
    )
