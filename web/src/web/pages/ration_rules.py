"""The ration officer's rule sets: the list, a draft made from an existing set (its amounts and
each rule's threshold edited, a rule dropped), its simulation per governorate with a chart of
the households that would change, and its schedule. The API audits every step."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from contracts.governorates import BY_CODE, GOVERNORATES
from kit import i18n
from kit.clock import CAIRO
from web.charts import impact_chart
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.pages.console import OFFICER
from web.pages.forms import missing
from web.visit import Redirect, Visit

router = APIRouter(include_in_schema=False)

THRESHOLDS: dict[str, tuple[str, str]] = {
    "vehicle_model_year": ("min_model_year", "year"),
    "vehicle_engine_cc": ("min_engine_cc", "whole"),
    "electricity_monthly_kwh": ("max_monthly_kwh", "whole"),
    "school_fees": ("min_annual_fees_piastres", "money"),
    "monthly_salary": ("max_monthly_salary_piastres", "money"),
    "land_feddans": ("min_feddans", "decimal"),
}
"""Each rule kind's editable threshold and how it is typed (money in pounds, sent in piastres; a
year is shown as a year, without a thousands separator)."""
AMOUNTS = (("subsidy_per_member", "money"), ("card_cap", "money"), ("appeal_window_days", "whole"))


def _render(page: Visit, template: str, title_key: str, status: int = 200, **values: Any) -> HTMLResponse:
    return page.render(template, area="console", status=status, title=i18n.text(title_key, page.lang), **values)


@router.get("/staff/rules")
async def rule_sets(page: Page, cursor: Annotated[str | None, Query(max_length=500)] = None) -> HTMLResponse:
    page.require("staff", *OFFICER)
    found = await page.api("GET", "/v1/ration-rules", params={"limit": 50, **({"cursor": cursor} if cursor else {})})
    return _render(page, "rules.html", "web.rules.title", items=found["items"], next_cursor=found.get("next_cursor"))


# -- a draft --------------------------------------------------------------------------------------


def _shown(value: int | str | None, kind: str) -> str:
    """A threshold as the officer types it: pounds for money."""
    if value is None:
        return ""
    if kind == "money":
        pounds = Decimal(int(value)) / 100
        return str(pounds.quantize(Decimal(1)) if pounds == pounds.to_integral() else pounds)
    return str(value)


def _draft_values(base: dict[str, Any]) -> dict[str, str]:
    values = {
        "subsidy_per_member": _shown(base["subsidy_per_member_piastres"], "money"),
        "card_cap": _shown(base["card_cap_piastres"], "money"),
        "appeal_window_days": str(base["appeal_window_days"]),
        "notes": base.get("notes") or "",
    }
    for rule in base["rules"]:
        name, kind = THRESHOLDS[rule["kind"]]
        values[f"threshold-{rule['code']}"] = _shown(rule.get(name), kind)
        values[f"keep-{rule['code']}"] = "on"
    return values


def _typed(raw: str, kind: str) -> int | str | None:
    """The typed number (piastres for money, a string for feddans), or None when it is not one."""
    text = raw.strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or (number <= 0 and kind != "money"):
        return None
    if kind == "money":
        piastres = number * 100
        return int(piastres) if piastres == piastres.to_integral() and piastres >= 0 else None
    if kind in ("whole", "year"):
        return int(number) if number == number.to_integral() else None
    return str(number)


Draft = tuple[dict[str, Any], list[FieldProblem]]


def _draft_body(base: dict[str, Any], values: dict[str, str], lang: i18n.Language) -> Draft:
    errors = missing(values, ("version",), lang)
    body: dict[str, Any] = {
        "version": values.get("version", "").strip(),
        "notes": values.get("notes", "").strip() or None,
    }
    for name, kind in AMOUNTS:
        typed = _typed(values.get(name, ""), kind)
        if typed is None:
            errors.append(FieldProblem(name, i18n.text("web.rules.invalid_number", lang)))
        body[f"{name}_piastres" if kind == "money" else name] = typed
    rules = []
    for rule in base["rules"]:
        if values.get(f"keep-{rule['code']}") != "on":
            continue
        name, kind = THRESHOLDS[rule["kind"]]
        field = f"threshold-{rule['code']}"
        typed = _typed(values.get(field, ""), kind)
        if typed is None:
            errors.append(FieldProblem(field, i18n.text("web.rules.invalid_number", lang)))
        rules.append({**rule, name: typed})
    body["rules"] = rules
    return body, errors


def _at_form_field(problem: FieldProblem) -> FieldProblem:
    """The API's field as the form names it (amounts are typed in pounds, sent in piastres)."""
    return FieldProblem(problem.field.removesuffix("_piastres"), problem.reason)


async def _base(page: Visit, base_id: uuid.UUID | None) -> dict[str, Any]:
    """The set a draft starts from: the one named, else the live one, else the newest."""
    if base_id is not None:
        found: dict[str, Any] = await page.api("GET", f"/v1/ration-rules/{base_id}")
        return found
    items = (await page.api("GET", "/v1/ration-rules", params={"limit": 50}))["items"]
    if not items:
        raise Redirect(to="/staff/rules")
    return next((r for r in items if r["status"] == "active"), items[0])


@router.get("/staff/rules/new")
async def new_draft(page: Page, base: uuid.UUID | None = None) -> HTMLResponse:
    page.require("staff", *OFFICER)
    found = await _base(page, base)
    return _render(
        page, "rule_new.html", "web.rules.new", base=found, values=_draft_values(found), thresholds=THRESHOLDS
    )


@router.post("/staff/rules/new")
async def draft(page: Page, base: uuid.UUID) -> Response:
    page.require("staff", *OFFICER)
    values = await page.form()
    found = await _base(page, base)
    body, errors = _draft_body(found, values, page.lang)
    if not errors:
        try:
            made = await page.api("POST", "/v1/ration-rules", json=body)
        except ApiProblem as problem:
            if problem.status >= 500:
                raise
            where = "version" if problem.code.endswith("version_taken") else ""
            errors = [_at_form_field(e) for e in problem.errors] or [
                FieldProblem(where, problem.detail or problem.title)
            ]
        else:
            raise Redirect(to=f"/staff/rules/{made['id']}?drafted=1")
    return _render(page, "rule_new.html", "web.rules.new", status=422, base=found, values=values, errors=errors,
                   thresholds=THRESHOLDS)  # fmt: skip


# -- one rule set: its simulation and its schedule --------------------------------------------------


Governorate = Annotated[str, Query(max_length=3)]


async def _rule_set_page(page: Visit, rule_set_id: uuid.UUID, governorate: str, **values: Any) -> HTMLResponse:
    """The set, and its simulation when one was asked for (two calls to the API at most)."""
    found = await page.api("GET", f"/v1/ration-rules/{rule_set_id}")
    simulation, chart, errors = None, None, list(values.pop("errors", []))
    if governorate:
        if governorate != "all" and governorate not in BY_CODE:
            errors.append(FieldProblem("governorate", i18n.text("web.required.governorate", page.lang)))
        else:
            params = {} if governorate == "all" else {"governorate": governorate}
            simulation = await page.api("POST", f"/v1/ration-rules/{rule_set_id}/simulation", params=params)
            chart = impact_chart(simulation["governorates"], page.lang)
    status = values.pop("status", 200)
    return _render(
        page, "rule_set.html", "web.rules.one", status=status, rule_set=found, governorates=GOVERNORATES,
        governorate=governorate, simulation=simulation, chart=chart, thresholds=THRESHOLDS, errors=errors, **values,
    )  # fmt: skip


@router.get("/staff/rules/{rule_set_id}")
async def rule_set(page: Page, rule_set_id: uuid.UUID, governorate: Governorate = "") -> HTMLResponse:
    """`?governorate=03` (or `all`) simulates the set on today's facts: a read, so a GET form."""
    page.require("staff", *OFFICER)
    return await _rule_set_page(page, rule_set_id, governorate)


@router.post("/staff/rules/{rule_set_id}/schedule")
async def schedule(page: Page, rule_set_id: uuid.UUID) -> Response:
    """Goes live at the day and time given (Cairo time); a moment already past means now."""
    page.require("staff", *OFFICER)
    values = await page.form()
    errors = missing(values, ("effective_day",), page.lang)
    when = None
    if not errors:
        try:
            day = date.fromisoformat(values["effective_day"].strip())
            at = time.fromisoformat(values.get("effective_time", "").strip() or "00:00")
            when = datetime.combine(day, at, CAIRO)
        except ValueError:
            errors.append(FieldProblem("effective_day", i18n.text("web.invalid.day", page.lang)))
    if when is not None:
        try:
            await page.api(
                "POST", f"/v1/ration-rules/{rule_set_id}/schedule", json={"effective_from": when.isoformat()}
            )
        except ApiProblem as problem:
            if problem.status >= 500:
                raise
            reasons = problem.errors or [FieldProblem("effective_day", problem.detail or problem.title)]
            errors = [FieldProblem("effective_day", e.reason) if e.field == "effective_from" else e for e in reasons]
        else:
            raise Redirect(to=f"/staff/rules/{rule_set_id}?scheduled=1")
    return await _rule_set_page(page, rule_set_id, "", status=422, values=values, errors=errors)
