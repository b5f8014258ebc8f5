"""The citizen's notifications: what the platform told them by SMS (an appointment booked, a
payment received, a document ready, a change to their ration card), as identity sent it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from kit import i18n
from web.deps import Page

router = APIRouter(include_in_schema=False)


@router.get("/notifications")
async def mine(page: Page, cursor: Annotated[str | None, Query(max_length=500)] = None) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", "/v1/me/notifications",
                           params={"limit": 50, **({"cursor": cursor} if cursor else {})})  # fmt: skip
    return page.render("notifications.html", items=found["items"], next_cursor=found.get("next_cursor"),
                       title=i18n.text("web.notifications.title", page.lang))  # fmt: skip
