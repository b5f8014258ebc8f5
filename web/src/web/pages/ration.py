"""The citizen's ration card: members, entitlement, the decision with its explanation, the
history, the household's requests and replacements; an appeal against a decision that can be
appealed (the requests themselves are asked in `ration_requests`)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.pages.forms import missing
from web.visit import Redirect, Visit

router = APIRouter(include_in_schema=False)


async def _card_page(page: Visit, **values: Any) -> HTMLResponse:
    """The card, the household's requests and the card's replacements (three calls to the API)."""
    try:
        card = await page.api("GET", "/v1/ration-card")
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        card = None
    requests: list[dict[str, Any]] = []
    replacements: list[dict[str, Any]] = []
    if card is not None:
        requests = (await page.api("GET", "/v1/ration-card-requests", params={"limit": 10}))["items"]
        found = await page.api("GET", f"/v1/ration-card/{card['id']}/replacements", params={"limit": 5})
        replacements = found["items"]
    return page.render("ration_card.html", card=card, requests=requests, replacements=replacements,
                       title=i18n.text("web.ration.title", page.lang), **values)  # fmt: skip


@router.get("/ration-card")
async def ration_card(page: Page, appealed: int = 0) -> HTMLResponse:
    page.require("citizen")
    return await _card_page(page, values={}, appealed=bool(appealed))


@router.post("/ration-card/{card_id}/appeal")
async def appeal(page: Page, card_id: uuid.UUID) -> Response:
    page.require("citizen")
    values = await page.form()
    errors = missing(values, ("grounds",), page.lang)
    if not errors:
        try:
            await page.api("POST", f"/v1/ration-card/{card_id}/appeals", json={"grounds": values["grounds"].strip()})
        except ApiProblem as problem:
            if problem.status >= 500:
                raise
            errors = problem.errors or [FieldProblem(field="grounds", reason=problem.detail or problem.title)]
        else:
            raise Redirect(to="/ration-card?appealed=1")
    return await _card_page(page, values=values, errors=errors)
