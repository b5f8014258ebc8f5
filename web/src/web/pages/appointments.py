"""My office appointments: where and when (office, address, time), and moving one to another
free slot (office-routing's alternatives and reschedule): choose a slot → check your answers →
the moved appointment with its reference. Also the way back after a missed or cancelled visit.
Plain forms throughout: it works with JavaScript off."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.sessions import service as sessions
from web.visit import Redirect, Visit

router = APIRouter(include_in_schema=False)

MOVABLE = ("booked", "no_show", "cancelled")
"""Statuses the citizen may move (or book again from); the API has the last word (a visit the
office cancelled by closing may be booked again, one the requester withdrew may not)."""


def _title(page: Visit, key: str) -> str:
    return i18n.text(key, page.lang)


def slot_value(opening: dict[str, Any]) -> str:
    """One radio button's value: the office and the slot's start, as the API names them."""
    return f"{opening['office']['id']}|{opening['starts_at']}"


@router.get("/appointments")
async def mine(page: Page) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", "/v1/appointments", params={"limit": 50})
    items = sorted(found["items"], key=lambda a: a["starts_at"], reverse=True)
    return page.render("appointments.html", items=items, title=_title(page, "web.appointments.title"))


@router.get("/appointments/{appointment_id}")
async def one(page: Page, appointment_id: uuid.UUID, moved: int = 0) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", f"/v1/appointments/{appointment_id}")
    return page.render("appointment.html", appointment=found, moved=bool(moved), movable=found["status"] in MOVABLE,
                       title=_title(page, "web.appointment.title"))  # fmt: skip


def _elsewhere(openings: list[dict[str, Any]], current: dict[str, Any]) -> list[dict[str, Any]]:
    """The free slots other than the one the appointment holds (its own seat may be listed free)."""
    here = (current["office"]["id"], datetime.fromisoformat(current["starts_at"]))
    return [o for o in openings if (o["office"]["id"], datetime.fromisoformat(o["starts_at"])) != here]


async def _choose(page: Visit, appointment_id: uuid.UUID, *, status: int = 200, **values: Any) -> HTMLResponse:
    current = await page.api("GET", f"/v1/appointments/{appointment_id}")
    found = await page.api("GET", f"/v1/appointments/{appointment_id}/alternatives", params={"limit": 21})
    openings = _elsewhere(found, current)[:20]
    return page.render("reschedule.html", status=status, appointment=current, openings=openings,
                       slot_value=slot_value, title=_title(page, "web.reschedule.title"), **values)  # fmt: skip


@router.get("/appointments/{appointment_id}/reschedule")
async def choose(page: Page, appointment_id: uuid.UUID) -> HTMLResponse:
    page.require("citizen")
    held = page.flow.get("reschedule") or {}
    chosen = held.get("slot") if held.get("appointment") == str(appointment_id) else None
    return await _choose(page, appointment_id, values={"slot": chosen or ""})


@router.post("/appointments/{appointment_id}/reschedule")
async def chosen(page: Page, appointment_id: uuid.UUID) -> Response:
    """The slot chosen, held on the server until the citizen confirms it on the next page."""
    page.require("citizen")
    values = await page.form()
    openings = await page.api("GET", f"/v1/appointments/{appointment_id}/alternatives", params={"limit": 21})
    found = next((o for o in openings if slot_value(o) == values.get("slot")), None)
    if found is None:
        errors = [FieldProblem(field="slot", reason=i18n.text("web.required.slot", page.lang))]
        return await _choose(page, appointment_id, status=422, values=values, errors=errors)
    sessions.remember(page.row, reschedule={"appointment": str(appointment_id), "slot": values["slot"],
                                            "opening": found})  # fmt: skip
    raise Redirect(to=f"/appointments/{appointment_id}/reschedule/check")


def _held(page: Visit, appointment_id: uuid.UUID) -> dict[str, Any]:
    held = page.row.flow.get("reschedule")
    if not held or held.get("appointment") != str(appointment_id):
        raise Redirect(to=f"/appointments/{appointment_id}/reschedule")
    return dict(held)


@router.get("/appointments/{appointment_id}/reschedule/check")
async def check(page: Page, appointment_id: uuid.UUID) -> HTMLResponse:
    """Check your answers: the appointment now, and the one it becomes."""
    page.require("citizen")
    held = _held(page, appointment_id)
    current = await page.api("GET", f"/v1/appointments/{appointment_id}")
    return page.render("reschedule_check.html", appointment=current, opening=held["opening"],
                       title=_title(page, "web.reschedule.check.title"))  # fmt: skip


@router.post("/appointments/{appointment_id}/reschedule/check")
async def confirm(page: Page, appointment_id: uuid.UUID) -> Response:
    page.require("citizen")
    await page.form()
    held = _held(page, appointment_id)
    opening = held["opening"]
    body = {"office_id": opening["office"]["id"], "starts_at": opening["starts_at"]}
    try:
        moved = await page.api("POST", f"/v1/appointments/{appointment_id}/reschedule", json=body)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (403, 404):
            raise
        sessions.forget(page.row, "reschedule")  # the slot went meanwhile: choose again
        errors = [FieldProblem(field="slot", reason=problem.detail or problem.title)]
        return await _choose(page, appointment_id, status=409, values={}, errors=errors, problem=problem)
    sessions.forget(page.row, "reschedule")
    if moved["id"] == str(appointment_id):  # the slot it already held: nothing moved
        raise Redirect(to=f"/appointments/{appointment_id}")
    raise Redirect(to=f"/appointments/{moved['id']}?moved=1")
