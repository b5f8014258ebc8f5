"""Certificates for the citizen and the family the civil registry links to them (birth; marriage
and divorce of their own or their parents' marriage): choose which and how to pay → check your
answers with the fee → pay → the confirmation with its reference → the issued certificate (the
document page, printable, with its QR code). Plain forms throughout."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.pages import payment
from web.pages.payment import METHODS
from web.visit import Redirect, Visit

router = APIRouter(include_in_schema=False)

KEY_NAMESPACE = uuid.UUID("6d3c0f6e-8c1e-4a55-9f0c-2f7b1d7c9a10")
"""Idempotency keys of certificate payments: one per request and quote, so a second press of
"pay" (or the back button) finds the same payment instead of paying twice."""


def choices(family: dict[str, Any]) -> list[dict[str, str]]:
    """What can be asked for, as the registry links it: each person's birth, each marriage, and
    the divorce of a marriage that ended in one."""
    names = {m["national_id"]: m["full_name_ar"] for m in family["members"]}
    found = [
        {"value": f"birth:{m['national_id']}", "kind": "birth", "relation": m["relation"], "who": m["full_name_ar"]}
        for m in family["members"]
    ]
    for m in family["marriages"]:
        couple = " / ".join(names.get(m[k], m[k]) for k in ("husband_national_id", "wife_national_id"))
        kinds = ("marriage", "divorce") if m.get("divorce_date") else ("marriage",)
        found += [{"value": f"{kind}:{m['marriage_id']}", "kind": kind, "relation": m["relation"], "who": couple,
                   "date": m["marriage_date"]} for kind in kinds]  # fmt: skip
    return found


def body_of(choice: str, method: str) -> dict[str, Any]:
    kind, _, subject = choice.partition(":")
    field = "national_id" if kind == "birth" else "marriage_id"
    return {"kind": kind, field: subject, "method": method, "channel": "web"}


async def _form(page: Visit, *, status: int = 200, **values: Any) -> HTMLResponse:
    family = await page.api("GET", "/v1/certificates/family")
    return page.render("certificate_new.html", status=status, choices=choices(family), methods=METHODS,
                       title=i18n.text("web.cert.new.title", page.lang), **values)  # fmt: skip


@router.get("/certificates")
async def mine(page: Page, cursor: Annotated[str | None, Query(max_length=500)] = None) -> HTMLResponse:
    page.require("citizen")
    found = await page.api("GET", "/v1/certificates", params={"limit": 50, **({"cursor": cursor} if cursor else {})})
    return page.render("certificates.html", items=found["items"], next_cursor=found.get("next_cursor"),
                       title=i18n.text("web.cert.title", page.lang))  # fmt: skip


@router.get("/certificates/new")
async def new(page: Page) -> HTMLResponse:
    page.require("citizen")
    return await _form(page, values={"method": "wallet"})


@router.post("/certificates/new")
async def ask(page: Page) -> Response:
    page.require("citizen")
    values = await page.form()
    errors = []
    if ":" not in values.get("certificate", ""):
        errors.append(FieldProblem(field="certificate", reason=i18n.text("web.required.certificate", page.lang)))
    if values.get("method") not in METHODS:
        errors.append(FieldProblem(field="method", reason=i18n.text("web.required.method", page.lang)))
    if errors:
        return await _form(page, status=422, values=values, errors=errors)
    try:
        made = await page.api("POST", "/v1/certificates", json=body_of(values["certificate"], values["method"]))
    except ApiProblem as problem:
        if problem.status >= 500:
            raise
        shown = [FieldProblem(field="certificate" if e.field in ("national_id", "marriage_id", "kind") else e.field,
                              reason=e.reason) for e in problem.errors]  # fmt: skip
        shown = shown or [FieldProblem(field="", reason=problem.detail or problem.title)]
        return await _form(page, status=422, values=values, errors=shown, problem=problem)
    raise Redirect(to=f"/certificates/{made['id']}/check")


@router.get("/certificates/{request_id}/check")
async def check(page: Page, request_id: uuid.UUID) -> HTMLResponse:
    """Check your answers before paying: which certificate, whose, how paid, and what it costs."""
    page.require("citizen")
    cert = await page.api("GET", f"/v1/certificates/{request_id}")
    if cert["status"] != "awaiting_payment" or not cert.get("payment"):
        raise Redirect(to=f"/certificates/{request_id}")
    return page.render("certificate_check.html", cert=cert, title=i18n.text("web.cert.check.title", page.lang))


@router.post("/certificates/{request_id}/pay")
async def pay(page: Page, request_id: uuid.UUID) -> Response:
    page.require("citizen")
    await page.form()
    cert = await page.api("GET", f"/v1/certificates/{request_id}")
    if cert["status"] != "awaiting_payment" or not cert.get("payment"):
        raise Redirect(to=f"/certificates/{request_id}")
    key = str(uuid.uuid5(KEY_NAMESPACE, f"{request_id}:{cert['payment']['quote']}"))
    await payment.start(page, payment=cert["payment"], key=key, back=f"/certificates/{request_id}")


@router.get("/certificates/{request_id}")
async def one(page: Page, request_id: uuid.UUID, paid: int = 0) -> HTMLResponse:
    """The request: the confirmation with its reference once paid, then the issued certificate."""
    page.require("citizen")
    cert = await page.api("GET", f"/v1/certificates/{request_id}")
    return page.render("certificate_one.html", cert=cert, paid=bool(paid),
                       title=i18n.text("web.cert.one.title", page.lang))  # fmt: skip


payment.add_provider_routes(router, "/certificates")
