"""The citizen's pages: enrol (national ID, names, mobile → SMS code → the registry's profile),
sign in (national ID → SMS code), the account, sign out. Every step is a plain form: it works
with JavaScript off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from web.deps import Page
from web.gateway import ApiProblem
from web.pages.forms import field, missing
from web.visit import Redirect, Visit, safe_next

router = APIRouter(include_in_schema=False)

ENROL_FIELDS = ("national_id", "first_name", "mother_first_name", "mobile")


def _enrol_form(page: Visit, **values: Any) -> dict[str, Any]:
    lang = page.lang
    return {
        "title": page_text(page, "web.enrol.title"),
        "lead": page_text(page, "web.enrol.lead"),
        "action": "/enrol",
        "back": "/",
        "submit": page_text(page, "web.continue"),
        "fields": [
            field(
                "national_id",
                "web.field.national_id",
                lang,
                hint="web.hint.national_id",
                inputmode="numeric",
                autocomplete="off",
                dir="ltr",
            ),
            field("first_name", "web.field.first_name", lang, autocomplete="given-name"),
            field("mother_first_name", "web.field.mother_first_name", lang, autocomplete="off"),
            field(
                "mobile", "web.field.mobile", lang, hint="web.hint.mobile", type="tel", autocomplete="tel", dir="ltr"
            ),
        ],
        **values,
    }


def page_text(page: Visit, key: str, **params: object) -> str:
    return i18n.text(key, page.lang, **params)


def _code_form(page: Visit, action: str, back: str, masked: str | None, **values: Any) -> dict[str, Any]:
    return {
        "title": page_text(page, "web.code.title"),
        "lead": page_text(page, "web.code.lead", mobile=masked or ""),
        "action": action,
        "back": back,
        "submit": page_text(page, "web.continue"),
        "fields": [
            field("code", "web.field.code", page.lang, inputmode="numeric", autocomplete="one-time-code", dir="ltr")
        ],
        **values,
    }


@router.get("/enrol")
async def enrol_form(page: Page) -> HTMLResponse:
    return page.render("form_page.html", **_enrol_form(page))


@router.post("/enrol")
async def enrol(page: Page) -> Response:
    values = await page.form()
    errors = missing(values, ENROL_FIELDS, page.lang)
    if errors:
        return page.render("form_page.html", status=422, **_enrol_form(page, values=values, errors=errors))
    body = {name: values[name].strip() for name in ENROL_FIELDS}
    try:
        started = await page.api("POST", "/v1/enrolments", signed_in=False, json={**body, "channel": "web"})
    except ApiProblem as problem:
        return page.problem_page(problem, "form_page.html", **_enrol_form(page, values=values))
    await page.keep(enrolment=started["id"], masked=started.get("mobile_masked"))
    raise Redirect(to="/enrol/code")


@dataclass(frozen=True)
class CodeStep:
    """The SMS-code page of a journey: where its challenge's id is kept, and where it posts."""

    flow_key: str
    action: str
    back: str

    def verification(self, challenge: str) -> str:
        kind = "enrolments" if self.flow_key == "enrolment" else "sessions"
        return f"/v1/{kind}/{challenge}/verification"


ENROL_CODE = CodeStep(flow_key="enrolment", action="/enrol/code", back="/enrol")
SIGN_IN_CODE = CodeStep(flow_key="login", action="/sign-in/code", back="/sign-in")


def _code_page(page: Visit, step: CodeStep) -> HTMLResponse:
    if step.flow_key not in page.flow:
        raise Redirect(to=step.back)
    return page.render("form_page.html", **_code_form(page, step.action, step.back, page.flow.get("masked")))


async def _send_code(page: Visit, step: CodeStep) -> dict[str, Any] | HTMLResponse:
    """The code typed, sent to the API: its answer (the tokens), or the page again with the problem."""
    values = await page.form()
    challenge = page.flow.get(step.flow_key)
    if challenge is None:
        raise Redirect(to=step.back)
    form = _code_form(page, step.action, step.back, page.flow.get("masked"), values=values)
    errors = missing(values, ("code",), page.lang)
    if errors:
        return page.render("form_page.html", status=422, **{**form, "errors": errors})
    try:
        answer: dict[str, Any] = await page.api(
            "POST", step.verification(challenge), signed_in=False, json={"code": values["code"].strip()}
        )
    except ApiProblem as problem:
        return page.problem_page(problem, "form_page.html", **form)
    return answer


@router.get("/enrol/code")
async def enrol_code_form(page: Page) -> HTMLResponse:
    return _code_page(page, ENROL_CODE)


@router.post("/enrol/code")
async def enrol_code(page: Page) -> Response:
    done = await _send_code(page, ENROL_CODE)
    if isinstance(done, HTMLResponse):
        return done
    citizen = done["citizen"]
    await page.sign_in(
        kind="citizen", subject=str(citizen["citizen_id"]), name=citizen["full_name_ar"], roles=[], tokens=done
    )
    raise Redirect(to="/account?welcome=1")


def _sign_in_form(page: Visit, next: str, **values: Any) -> dict[str, Any]:
    return {
        "title": page_text(page, "web.sign_in.title"),
        "lead": page_text(page, "web.sign_in.lead"),
        "action": "/sign-in?" + urlencode({"next": safe_next(next, "/account")}),
        "back": "/",
        "submit": page_text(page, "web.continue"),
        "fields": [
            field(
                "national_id",
                "web.field.national_id",
                page.lang,
                hint="web.hint.national_id",
                inputmode="numeric",
                autocomplete="username",
                dir="ltr",
            )
        ],
        "after": '<a href="/enrol">' + page_text(page, "web.sign_in.no_account") + "</a>",
        **values,
    }


NextPath = Annotated[str, Query(max_length=500)]
"""Where sign-in leads: carried by the form's address (no stored session before the SMS code)."""


@router.get("/sign-in")
async def sign_in_form(page: Page, next: NextPath = "/account") -> HTMLResponse:
    return page.render("form_page.html", **_sign_in_form(page, next))


@router.post("/sign-in")
async def sign_in(page: Page, next: NextPath = "/account") -> Response:
    values = await page.form()
    errors = missing(values, ("national_id",), page.lang)
    if errors:
        return page.render("form_page.html", status=422, **_sign_in_form(page, next, values=values, errors=errors))
    try:
        started = await page.api(
            "POST", "/v1/sessions", signed_in=False, json={"national_id": values["national_id"].strip()}
        )
    except ApiProblem as problem:
        return page.problem_page(problem, "form_page.html", **_sign_in_form(page, next, values=values))
    await page.keep(login=started["id"], masked=started.get("mobile_masked"), next=safe_next(next, "/account"))
    raise Redirect(to="/sign-in/code")


@router.get("/sign-in/code")
async def sign_in_code_form(page: Page) -> HTMLResponse:
    return _code_page(page, SIGN_IN_CODE)


@router.post("/sign-in/code")
async def sign_in_code(page: Page) -> Response:
    tokens = await _send_code(page, SIGN_IN_CODE)
    if isinstance(tokens, HTMLResponse):
        return tokens
    me = await page.ctx.resources.gateway.call(
        "GET", "/v1/me", language=page.lang, token=tokens["access_token"], client=page.address
    )
    target = safe_next(page.flow.get("next"), "/account")
    await page.sign_in(kind="citizen", subject=str(me["citizen_id"]), name=me["full_name_ar"], roles=[], tokens=tokens)
    raise Redirect(to=target)


@router.get("/account")
async def account(page: Page, welcome: int = 0) -> HTMLResponse:
    page.require("citizen")
    me = await page.api("GET", "/v1/me")
    return page.render("account.html", me=me, welcome=bool(welcome), title=page_text(page, "web.account.title"))


@router.post("/sign-out")
async def sign_out(page: Page) -> Response:
    await page.form()
    row = page.stored
    if row is not None and row.kind == "citizen" and row.refresh_token:
        try:  # the API forgets the refresh token too: signed out everywhere this session reached
            await page.api("POST", "/v1/sessions/logout", signed_in=False, json={"refresh_token": row.refresh_token})
        except ApiProblem:
            pass  # the session here ends regardless
    await page.sign_out()
    raise Redirect(to="/")


@router.get("/account/access-log")
async def access_log(page: Page, cursor: Annotated[str | None, Query(max_length=500)] = None) -> HTMLResponse:
    """Who among the staff looked at or acted on my data, when and why."""
    page.require("citizen")
    found = await page.api("GET", "/v1/me/access-log", params={"limit": 50, **({"cursor": cursor} if cursor else {})})
    return page.render("access_log.html", items=found["items"], next_cursor=found.get("next_cursor"),
                       title=page_text(page, "web.access_log.title"))  # fmt: skip
