"""A power of attorney from the citizen's side: draft (agents, scopes, special conditions) →
the fee for a payment method → check your answers → pay (the provider's page; in development
the payment sandbox) → the appointment → the issued document → revoke. Plain forms throughout."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.pages import payment
from web.pages.forms import missing
from web.pages.payment import METHODS
from web.sessions import service as sessions
from web.visit import Redirect, Visit

router = APIRouter(include_in_schema=False)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


@router.get("/powers-of-attorney")
async def mine(page: Page) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", "/v1/powers-of-attorney", params={"limit": 50})
    return page.render("poa_list.html", items=found["items"], title=i18n.text("web.poa.title", page.lang))


async def _draft_form(page: Visit, **values: Any) -> HTMLResponse:
    scopes = await page.api("GET", "/v1/powers-of-attorney/scopes")
    return page.render("poa_new.html", scopes=scopes, title=i18n.text("web.poa.new.title", page.lang), **values)


@router.get("/powers-of-attorney/new")
async def new(page: Page) -> HTMLResponse:
    page.require("citizen")
    return await _draft_form(page, values={"kind": "general"})


@router.post("/powers-of-attorney/new")
async def draft(page: Page) -> Response:
    page.require("citizen")
    data = await page.request.form()
    values = await page.form()
    chosen = [s for s in data.getlist("scopes") if isinstance(s, str)]
    errors = missing(values, ("kind", "agents"), page.lang)
    if not chosen:
        errors.append(FieldProblem(field="scopes", reason=i18n.text("web.required.scopes", page.lang)))
    shown = {**values, "scopes": chosen}
    if errors:
        return await _draft_form(page, values=shown, errors=errors)
    body = {
        "kind": values["kind"],
        "scopes": chosen,
        "agents": _lines(values["agents"]),
        "special_conditions": _lines(values.get("special_conditions", "")),
        "valid_until": None,
    }
    try:
        made = await page.api("POST", "/v1/powers-of-attorney", json=body)
    except ApiProblem as problem:
        if problem.status >= 500:
            raise
        errors = problem.errors or [FieldProblem(field="", reason=problem.detail or problem.title)]
        return await _draft_form(page, values=shown, errors=errors, problem=problem)
    raise Redirect(to=f"/powers-of-attorney/{made['id']}/payment-method")


@router.get("/powers-of-attorney/{poa_id}/payment-method")
async def method_form(page: Page, poa_id: uuid.UUID) -> HTMLResponse:
    page.require("citizen")
    return page.render("poa_method.html", poa_id=poa_id, methods=METHODS, values={"method": "wallet"},
                       title=i18n.text("web.poa.method.title", page.lang))  # fmt: skip


@router.post("/powers-of-attorney/{poa_id}/payment-method")
async def quote(page: Page, poa_id: uuid.UUID) -> Response:
    page.require("citizen")
    values = await page.form()
    method = values.get("method", "")
    if method not in METHODS:
        errors = [FieldProblem(field="method", reason=i18n.text("web.required.method", page.lang))]
        return page.render("poa_method.html", status=422, poa_id=poa_id, methods=METHODS, values=values,
                           errors=errors, title=i18n.text("web.poa.method.title", page.lang))  # fmt: skip
    found = await page.api("POST", f"/v1/powers-of-attorney/{poa_id}/quote", json={"method": method, "channel": "web"})
    sessions.remember(page.row, quote={"poa": str(poa_id), "method": method, "body": found,
                                       "key": str(uuid.uuid4())})  # fmt: skip
    raise Redirect(to=f"/powers-of-attorney/{poa_id}/check")


def _quote_of(page: Visit, poa_id: uuid.UUID) -> dict[str, Any]:
    """The quote this session holds for that power of attorney; without one, choose a method."""
    held = page.row.flow.get("quote")
    if not held or held.get("poa") != str(poa_id):
        raise Redirect(to=f"/powers-of-attorney/{poa_id}/payment-method")
    return dict(held)


@router.get("/powers-of-attorney/{poa_id}/check")
async def check(page: Page, poa_id: uuid.UUID) -> HTMLResponse:
    """Check your answers before paying: what the document will say, and what it costs."""
    page.require("citizen")
    held = _quote_of(page, poa_id)
    poa = await page.api("GET", f"/v1/powers-of-attorney/{poa_id}")
    return page.render("poa_check.html", poa=poa, quote=held["body"], method=held["method"],
                       title=i18n.text("web.poa.check.title", page.lang))  # fmt: skip


@router.post("/powers-of-attorney/{poa_id}/pay")
async def pay(page: Page, poa_id: uuid.UUID) -> Response:
    page.require("citizen")
    await page.form()
    held = _quote_of(page, poa_id)
    sessions.forget(page.row, "quote")
    await payment.start(page, payment=held["body"]["payment"], key=held["key"], back=f"/powers-of-attorney/{poa_id}")


@router.get("/powers-of-attorney/{poa_id}")
async def one(page: Page, poa_id: uuid.UUID, paid: int = 0) -> HTMLResponse:
    page.require("citizen")
    poa = await page.api("GET", f"/v1/powers-of-attorney/{poa_id}")
    appointment = None
    if poa.get("appointment_id"):
        appointment = await page.api("GET", f"/v1/appointments/{poa['appointment_id']}")
    return page.render("poa_one.html", poa=poa, appointment=appointment, paid=bool(paid),
                       title=i18n.text("web.poa.one.title", page.lang))  # fmt: skip


@router.get("/powers-of-attorney/{poa_id}/revoke")
async def revoke_form(page: Page, poa_id: uuid.UUID) -> HTMLResponse:
    page.require("citizen")
    return page.render("poa_revoke.html", poa_id=poa_id, title=i18n.text("web.poa.revoke.title", page.lang))


@router.post("/powers-of-attorney/{poa_id}/revoke")
async def revoke(page: Page, poa_id: uuid.UUID) -> Response:
    page.require("citizen")
    values = await page.form()
    reason = values.get("reason", "").strip()
    try:
        await page.api("POST", f"/v1/powers-of-attorney/{poa_id}/revocation", json={"reason": reason} if reason else {})
    except ApiProblem as problem:
        if problem.status >= 500:
            raise
        return page.problem_page(problem, "poa_revoke.html", poa_id=poa_id, values=values,
                                 title=i18n.text("web.poa.revoke.title", page.lang))  # fmt: skip
    raise Redirect(to=f"/powers-of-attorney/{poa_id}?revoked=1")


payment.add_provider_routes(router, "/powers-of-attorney")
