"""The console's other desks: the ration officer's appeals queue and decision, the call-centre
agent's masked look-up with the citizen's consent by SMS, the auditor's access-log chain check
and staff audit. Each page is role-checked here for what it shows; the API checks the token."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from kit.clock import CAIRO
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.pages.forms import missing
from web.pages.staff import claims
from web.sessions import service as sessions
from web.visit import Redirect, Visit

router = APIRouter(include_in_schema=False)

OFFICER, AGENT, AUDITOR = ("ration_officer", "admin"), ("call_centre_agent", "admin"), ("auditor", "admin")


def officer_governorate(page: Visit) -> str | None:
    """The governorate a ration officer works for (its files, its queue); None for an
    administrator, who may act for any (the API checks the token either way)."""
    if "admin" in page.row.roles:
        return None
    found = claims(page.row.access_token or "").get("gov")
    return str(found) if found else None


def _render(page: Visit, template: str, title_key: str, **values: Any) -> HTMLResponse:
    return page.render(template, area="console", title=i18n.text(title_key, page.lang), **values)


def _problem(problem: ApiProblem, field: str = "") -> list[FieldProblem]:
    if problem.status >= 500:
        raise problem
    return problem.errors or [FieldProblem(field=field, reason=problem.detail or problem.title)]


# -- the ration officer ---------------------------------------------------------------------------


@router.get("/staff/appeals")
async def appeals(page: Page, status: Literal["open", "accepted", "rejected"] = "open") -> HTMLResponse:
    page.require("staff", *OFFICER)
    found = await page.api("GET", "/v1/appeals", params={"status": status, "limit": 50})
    return _render(page, "appeals.html", "web.appeals.title", items=found["items"], shown=status)


async def _appeal_page(page: Visit, appeal_id: uuid.UUID, **values: Any) -> HTMLResponse:
    appeal = await page.api("GET", f"/v1/appeals/{appeal_id}")
    return _render(page, "appeal.html", "web.appeals.one", appeal=appeal, **values)


@router.get("/staff/appeals/{appeal_id}")
async def appeal(page: Page, appeal_id: uuid.UUID) -> HTMLResponse:
    page.require("staff", *OFFICER)
    return await _appeal_page(page, appeal_id, values={})


@router.post("/staff/appeals/{appeal_id}")
async def decide(page: Page, appeal_id: uuid.UUID) -> Response:
    """Accept (optionally overriding the rules until a day) or reject, with the reason the
    household will read."""
    page.require("staff", *OFFICER)
    values = await page.form()
    errors = missing(values, ("outcome", "reason"), page.lang)
    body: dict[str, Any] = {"outcome": values.get("outcome"), "reason": values.get("reason", "").strip()}
    until = values.get("override_until", "").strip()
    if until:
        try:
            body["override_until"] = datetime.combine(datetime.fromisoformat(until).date(), time(23, 59), CAIRO)
        except ValueError:
            errors.append(FieldProblem(field="override_until", reason=i18n.text("web.invalid.day", page.lang)))
    if errors:
        return await _appeal_page(page, appeal_id, values=values, errors=errors)
    body["override_until"] = body["override_until"].isoformat() if until else None
    try:
        await page.api("POST", f"/v1/appeals/{appeal_id}/decision", json=body)
    except ApiProblem as problem:
        return await _appeal_page(page, appeal_id, values=values, errors=_problem(problem))
    raise Redirect(to=f"/staff/appeals/{appeal_id}?decided=1")


# -- the call-centre agent ------------------------------------------------------------------------


@router.get("/staff/call-centre")
async def call_centre(page: Page) -> HTMLResponse:
    page.require("staff", *AGENT)
    return _render(page, "call_centre.html", "web.call.title", step="lookup", values={}, held=page.row.flow.get("call"))


@router.post("/staff/call-centre/lookup")
async def lookup(page: Page) -> Response:
    page.require("staff", *AGENT)
    values = await page.form()
    errors = missing(values, ("national_id", "reason"), page.lang)
    if not errors:
        body = {"national_id": values["national_id"].strip(), "reason": values["reason"].strip()}
        try:
            masked = await page.api("POST", "/v1/call-centre/lookups", json=body)
        except ApiProblem as problem:
            errors = _problem(problem, "national_id")
        else:
            sessions.remember(page.row, call={"masked": masked, "reason": body["reason"]})
            raise Redirect(to="/staff/call-centre/consent")
    return _render(page, "call_centre.html", "web.call.title", step="lookup", values=values, errors=errors)


@router.get("/staff/call-centre/consent")
async def consent_form(page: Page) -> HTMLResponse:
    page.require("staff", *AGENT)
    held = page.row.flow.get("call")
    if not held:
        raise Redirect(to="/staff/call-centre")
    return _render(page, "call_centre.html", "web.call.title", step="consent", held=held, values={})


@router.post("/staff/call-centre/consent")
async def ask_consent(page: Page) -> Response:
    """Send the citizen the consent code by SMS; they read it to the agent."""
    page.require("staff", *AGENT)
    await page.form()
    held = page.row.flow.get("call")
    if not held:
        raise Redirect(to="/staff/call-centre")
    challenge = await page.api("POST", "/v1/call-centre/consents", json={"citizen_id": held["masked"]["citizen_id"]})
    sessions.remember(page.row, call={**held, "consent": challenge["id"]})
    raise Redirect(to="/staff/call-centre/consent")


@router.post("/staff/call-centre/grant")
async def grant(page: Page) -> Response:
    page.require("staff", *AGENT)
    values = await page.form()
    held = page.row.flow.get("call")
    if not held or "consent" not in held:
        raise Redirect(to="/staff/call-centre")
    errors = missing(values, ("code",), page.lang)
    if not errors:
        body = {"code": values["code"].strip(), "reason": held["reason"]}
        try:
            granted = await page.api("POST", f"/v1/call-centre/consents/{held['consent']}/grant", json=body)
        except ApiProblem as problem:
            errors = _problem(problem, "code")
        else:
            sessions.remember(page.row, call={**held, "granted": granted})
            raise Redirect(to="/staff/call-centre/citizen")
    return _render(page, "call_centre.html", "web.call.title", step="consent", held=held, values=values, errors=errors)


@router.get("/staff/call-centre/citizen")
async def citizen(page: Page) -> HTMLResponse:
    """The time-limited full view; the API logs it in the citizen's access log."""
    page.require("staff", *AGENT)
    held = page.row.flow.get("call")
    if not held or "granted" not in held:
        raise Redirect(to="/staff/call-centre")
    try:
        record = await page.api("GET", f"/v1/call-centre/citizens/{held['masked']['citizen_id']}")
    except ApiProblem as problem:
        return _render(page, "call_centre.html", "web.call.title", step="lookup", values={}, errors=_problem(problem))
    return _render(page, "call_centre.html", "web.call.title", step="view", held=held, me=record)


# -- the auditor ----------------------------------------------------------------------------------


@router.get("/staff/audit")
async def audit(page: Page, cursor: Annotated[str | None, Query(max_length=500)] = None) -> HTMLResponse:
    page.require("staff", *AUDITOR)
    chain = await page.api("GET", "/v1/staff/access-log/verification")
    params: dict[str, Any] = {"limit": 50, **({"cursor": cursor} if cursor else {})}
    found = await page.api("GET", "/v1/staff/audit", params=params)
    return _render(page, "audit.html", "web.audit.title", chain=chain, items=found["items"],
                   next_cursor=found.get("next_cursor"))  # fmt: skip
