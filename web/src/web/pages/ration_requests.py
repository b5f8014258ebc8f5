"""Asking for a change to the ration card, from the holder's side: add a newborn, remove a member,
a replacement card (damaged or lost). Each is one short form → check your answers (with the fee
the catalogue publishes) → sent to ration-svc → paid where there is a fee → the confirmation
with its reference, then the request's progress. Plain forms throughout."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.pages import payment
from web.pages.payment import METHODS
from web.sessions import service as sessions
from web.visit import Redirect, Visit

router = APIRouter(include_in_schema=False)

KEY_NAMESPACE = uuid.UUID("0b7c55c2-58a4-4f0e-a1c9-4d4b8e5e2f61")
"""Idempotency keys of ration payments: one per order and quote (a second press pays nothing twice)."""

REMOVAL_REASONS = ("death", "emigration", "marriage")
REPLACEMENT_REASONS = ("damaged", "lost")


@dataclass(frozen=True)
class Ask:
    """One kind of request: its form's page, the fields it asks and those it must have."""

    kind: str
    path: str
    fields: tuple[str, ...]
    required: tuple[str, ...]

    def service_code(self, values: dict[str, str]) -> str:
        if self.kind == "replacement":
            return f"ration.card.replace_{values.get('reason')}"
        return f"ration.card.{self.kind}"


ASKS = {
    "add_newborn": Ask("add_newborn", "/ration-card/add-newborn", ("national_id", "note", "method"),
                       ("national_id", "method")),
    "remove_member": Ask("remove_member", "/ration-card/remove-member", ("national_id", "reason", "note"),
                         ("national_id", "reason")),
    "replacement": Ask("replacement", "/ration-card/replacement", ("reason", "method"), ("reason", "method")),
}  # fmt: skip
CHOICES = {"method": METHODS}


def _choices(ask: Ask) -> dict[str, tuple[str, ...]]:
    reasons = REPLACEMENT_REASONS if ask.kind == "replacement" else REMOVAL_REASONS
    return {**CHOICES, "reason": reasons}


def _errors(ask: Ask, values: dict[str, str], language: i18n.Language) -> list[FieldProblem]:
    """Each required answer missing (or not one of its choices), in the order the form asks them."""
    choices = _choices(ask)
    wrong = [
        name for name in ask.required if not values.get(name) or (name in choices and values[name] not in choices[name])
    ]
    return [FieldProblem(field=name, reason=i18n.text(_required(ask, name), language)) for name in wrong]


def _required(ask: Ask, name: str) -> str:
    own = f"web.ration.required.{ask.kind}.{name}"
    return own if i18n.has(own) else f"web.required.{name}"


async def _form(page: Visit, ask: Ask, *, status: int = 200, **values: Any) -> HTMLResponse:
    """The request's form; the removal's lists the card's members (one call to the API)."""
    card = await page.api("GET", "/v1/ration-card") if ask.kind == "remove_member" else None
    return page.render("ration_ask.html", status=status, ask=ask, card=card, methods=METHODS,
                       reasons=_choices(ask)["reason"], title=i18n.text(f"web.ration.ask.{ask.kind}", page.lang),
                       **values)  # fmt: skip


def _held(page: Visit) -> tuple[Ask, dict[str, str]]:
    held = page.row.flow.get("ration_ask")
    if not held or held.get("kind") not in ASKS:
        raise Redirect(to="/ration-card")
    return ASKS[held["kind"]], dict(held["values"])


def _register(ask: Ask) -> None:
    @router.get(ask.path, name=f"{ask.kind}_form")
    async def form(page: Page) -> HTMLResponse:
        page.require("citizen")
        held = page.flow.get("ration_ask") or {}
        values = held.get("values", {}) if held.get("kind") == ask.kind else {}
        return await _form(page, ask, values={"method": "wallet", **values})

    @router.post(ask.path, name=f"{ask.kind}_answer")
    async def answer(page: Page) -> Response:
        page.require("citizen")
        posted = await page.form()
        values = {name: posted.get(name, "").strip() for name in ask.fields}
        errors = _errors(ask, values, page.lang)
        if errors:
            return await _form(page, ask, status=422, values=values, errors=errors)
        sessions.remember(page.row, ration_ask={"kind": ask.kind, "values": values})
        raise Redirect(to="/ration-card/check")


for _ask in ASKS.values():
    _register(_ask)


def _fee(service: dict[str, Any], method: str) -> int | None:
    """The published fee on the web for that method (the quote locks it when the request is sent)."""
    fees = (service.get("tariff") or {}).get("fees") or []
    found = [f for f in fees if f.get("channel") in ("web", None) and f.get("method") in (method, None)]
    return int(found[0]["total_piastres"]) if found else None


@router.get("/ration-card/check")
async def check(page: Page) -> HTMLResponse:
    """Check your answers before anything is sent: what is asked, on which card, and the fee."""
    page.require("citizen")
    ask, values = _held(page)
    card = await page.api("GET", "/v1/ration-card")
    service = await page.api("GET", f"/v1/services/{ask.service_code(values)}", signed_in=False)
    sessions.remember(page.row, ration_card=card["id"])
    return page.render("ration_check.html", ask=ask, values=values, card=card, service=service,
                       fee=_fee(service, values.get("method", "card")),
                       title=i18n.text("web.ration.check.title", page.lang))  # fmt: skip


@router.post("/ration-card/check")
async def send(page: Page) -> Response:
    page.require("citizen")
    await page.form()
    ask, values = _held(page)
    card_id = page.row.flow.get("ration_card")
    if not card_id:
        raise Redirect(to="/ration-card/check")
    method = values.get("method") or "card"
    if ask.kind == "replacement":
        path, body = f"/v1/ration-card/{card_id}/replacements", {"reason": values["reason"], "method": method}
    else:
        path = f"/v1/ration-card/{card_id}/member-requests"
        body = {"kind": ask.kind, "national_id": values["national_id"], "method": method,
                **({"reason": values["reason"]} if ask.kind == "remove_member" else {}),
                **({"note": values["note"]} if values.get("note") else {})}  # fmt: skip
    try:
        made = await page.api("POST", path, json={**body, "channel": "web"})
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403, 404):
            raise
        errors = [FieldProblem(field=_asked(ask, e), reason=e.reason) for e in problem.errors]
        errors = errors or [FieldProblem(field="", reason=problem.detail or problem.title)]
        return await _form(page, ask, status=422, values=values, errors=errors, problem=problem)
    sessions.forget(page.row, "ration_ask", "ration_card")
    if made.get("outcome") == "already_done":
        return page.render("ration_done.html", done=made, title=i18n.text("web.ration.done.title", page.lang))
    base = "/ration-card/replacements" if ask.kind == "replacement" else "/ration-card/requests"
    if made.get("payment"):
        await _pay(page, made, back=f"{base}/{made['id']}")
    raise Redirect(to=f"{base}/{made['id']}?sent=1")


def _asked(ask: Ask, problem: FieldProblem) -> str:
    """The question of the form a field problem is about (its last named part that the form asks),
    or none: then it shows in the summary only."""
    parts = problem.location.split(".") if problem.location else [problem.field]
    return next((part for part in reversed(parts) if part in ask.fields), "")


async def _pay(page: Visit, order: dict[str, Any], *, back: str) -> None:
    key = str(uuid.uuid5(KEY_NAMESPACE, f"{order['id']}:{order['payment']['quote']}"))
    await payment.start(page, payment=order["payment"], key=key, back=back)


@router.get("/ration-card/requests/{request_id}")
async def request_page(page: Page, request_id: uuid.UUID, sent: int = 0, paid: int = 0) -> HTMLResponse:
    """The confirmation with its reference once sent (or paid), then the request's progress."""
    page.require("citizen")
    found = await page.api("GET", f"/v1/ration-card-requests/{request_id}")
    return _request_page(page, found, kind=found["kind"], base="/ration-card/requests", sent=sent, paid=paid)


def _request_page(page: Visit, found: dict[str, Any], *, kind: str, base: str, sent: int, paid: int) -> HTMLResponse:
    return page.render("ration_request.html", item=found, sent=bool(sent), paid=bool(paid), kind=kind, base=base,
                       title=i18n.text(f"web.ration.ask.{kind}", page.lang))  # fmt: skip


@router.post("/ration-card/requests/{request_id}/pay")
async def pay_request(page: Page, request_id: uuid.UUID) -> Response:
    page.require("citizen")
    await page.form()
    found = await page.api("GET", f"/v1/ration-card-requests/{request_id}")
    if found.get("payment"):
        await _pay(page, found, back=f"/ration-card/requests/{request_id}")
    raise Redirect(to=f"/ration-card/requests/{request_id}")


async def _replacement(page: Visit, order_id: uuid.UUID) -> dict[str, Any]:
    card = await page.api("GET", "/v1/ration-card")
    found: dict[str, Any] = await page.api("GET", f"/v1/ration-card/{card['id']}/replacements/{order_id}")
    return found


@router.get("/ration-card/replacements/{order_id}")
async def replacement_page(page: Page, order_id: uuid.UUID, sent: int = 0, paid: int = 0) -> HTMLResponse:
    page.require("citizen")
    found = await _replacement(page, order_id)
    return _request_page(page, found, kind="replacement", base="/ration-card/replacements", sent=sent, paid=paid)


@router.post("/ration-card/replacements/{order_id}/pay")
async def pay_replacement(page: Page, order_id: uuid.UUID) -> Response:
    page.require("citizen")
    await page.form()
    found = await _replacement(page, order_id)
    if found.get("payment"):
        await _pay(page, found, back=f"/ration-card/replacements/{order_id}")
    raise Redirect(to=f"/ration-card/replacements/{order_id}")


payment.add_provider_routes(router, "/ration-card/requests")
payment.add_provider_routes(router, "/ration-card/replacements")
