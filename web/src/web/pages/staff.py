"""The staff console: sign in with the staff account (the API's staff token stays here), the
console's start page by role, and the office clerk's day list with check-in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import jwt
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.pages.forms import field, missing
from web.visit import Redirect, Visit, safe_next

router = APIRouter(include_in_schema=False)

CLERKS = ("notary_clerk", "office_clerk")


def _sign_in_form(page: Visit, next: str, **values: Any) -> dict[str, Any]:
    return {
        "title": i18n.text("web.staff.sign_in.title", page.lang),
        "lead": i18n.text("web.staff.sign_in.lead", page.lang),
        "action": "/staff/sign-in?" + urlencode({"next": safe_next(next, "/staff")}),
        "submit": i18n.text("web.sign_in", page.lang),
        "fields": [
            field("username", "web.field.username", page.lang, autocomplete="username", dir="ltr"),
            field(
                "password", "web.field.password", page.lang, type="password", autocomplete="current-password", dir="ltr"
            ),
        ],
        "area": "console",
        **values,
    }


NextPath = Annotated[str, Query(max_length=500)]


@router.get("/staff/sign-in")
async def sign_in_form(page: Page, next: NextPath = "/staff") -> HTMLResponse:
    return page.render("form_page.html", **_sign_in_form(page, next))


@router.post("/staff/sign-in")
async def sign_in(page: Page, next: NextPath = "/staff") -> Response:
    values = await page.form()
    errors = missing(values, ("username", "password"), page.lang)
    if errors:
        return page.render("form_page.html", status=422, **_sign_in_form(page, next, values=values, errors=errors))
    try:
        tokens = await page.api(
            "POST",
            "/v1/staff/sessions",
            signed_in=False,
            json={"username": values["username"].strip(), "password": values["password"]},
        )
    except ApiProblem as problem:
        return page.problem_page(
            problem, "form_page.html", **_sign_in_form(page, next, values={"username": values["username"]})
        )
    found = claims(tokens["access_token"])
    target = safe_next(next, "/staff")
    await page.sign_in(
        kind="staff",
        subject=str(found.get("sub", "")),
        name=values["username"].strip(),
        roles=list(found.get("roles") or []),
        tokens=tokens,
    )
    raise Redirect(to=target)


def claims(token: str) -> dict[str, Any]:
    """The token's claims, read only to choose what the console shows: the API checks the token
    itself on every call, so a forged claim here would show pages whose data the API refuses."""
    try:
        found: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.DecodeError:
        return {}  # not a JWT: the console shows what no claim allows, the API refuses the rest
    return found


@router.get("/staff")
async def console(page: Page) -> HTMLResponse:
    page.require("staff")
    return page.render("console.html", area="console", title=i18n.text("web.console.title", page.lang))


def _office(page: Visit) -> str | None:
    office = claims(page.row.access_token or "").get("office")
    return str(office) if office else None


async def _day_list(page: Visit, day: str, **values: Any) -> HTMLResponse:
    office = _office(page)
    if office is None:
        return page.render(
            "message.html",
            area="console",
            status=403,
            title=i18n.text("web.console.no_office.title", page.lang),
            detail=i18n.text("web.console.no_office.detail", page.lang),
        )
    params = {"day": day, "limit": 100} if day else {"limit": 100}
    found = await page.api("GET", f"/v1/offices/{office}/appointments", params=params)
    appointments = [{**a, "started": _started(a, page.now)} for a in found.get("items", [])]
    title = i18n.text("web.console.day_list", page.lang)
    return page.render("day_list.html", area="console", appointments=appointments, day=day, title=title,
                       **values)  # fmt: skip


def _started(appointment: dict[str, Any], now: datetime) -> bool:
    """Its time has come: a booked citizen who has not come may be marked a no-show (the API
    refuses it within its grace period, and says so)."""
    try:
        return datetime.fromisoformat(str(appointment.get("starts_at"))) <= now
    except ValueError:
        return False


@router.get("/staff/appointments")
async def day_list(page: Page, day: Annotated[str, Query(max_length=10)] = "") -> HTMLResponse:
    page.require("staff", *CLERKS)
    return await _day_list(page, day)


Day = Annotated[str, Query(max_length=10)]


@router.post("/staff/appointments/{appointment_id}/check-in")
async def check_in(page: Page, appointment_id: uuid.UUID, day: Day = "") -> Response:
    return await _desk_action(page, appointment_id, "check-in", day)


@router.post("/staff/appointments/{appointment_id}/no-show")
async def no_show(page: Page, appointment_id: uuid.UUID, day: Day = "") -> Response:
    """The citizen did not come: the seat is freed (office routing checks the grace period)."""
    return await _desk_action(page, appointment_id, "no-show", day)


async def _desk_action(page: Visit, appointment_id: uuid.UUID, action: str, day: str) -> Response:
    page.require("staff", *CLERKS)
    await page.form()
    try:
        await page.api("POST", f"/v1/appointments/{appointment_id}/{action}")
    except ApiProblem as problem:
        if problem.status >= 500:
            raise
        return await _day_list(page, day, errors=[FieldProblem(field="", reason=problem.detail or problem.title)])
    raise Redirect(to=f"/staff/appointments?day={day}")


@router.post("/staff/appointments/{appointment_id}/verify")
async def verify(page: Page, appointment_id: uuid.UUID, day: Annotated[str, Query(max_length=10)] = "") -> Response:
    """The clerk types the national ID from the card the citizen shows; the API compares it."""
    page.require("staff", *CLERKS)
    values = await page.form()
    field_id = f"card-{appointment_id}"
    national_id = values.get("national_id", "").strip()
    if not national_id:
        errors = [FieldProblem(field=field_id, reason=i18n.text("web.required.national_id", page.lang))]
        return await _day_list(page, day, errors=errors)
    try:
        await page.api("POST", f"/v1/appointments/{appointment_id}/verify", json={"national_id": national_id})
    except ApiProblem as problem:
        if problem.status >= 500:
            raise
        return await _day_list(page, day, errors=[FieldProblem(field=field_id, reason=problem.detail or problem.title)])
    raise Redirect(to=f"/staff/appointments?day={day}")
