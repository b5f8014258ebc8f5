"""One page view: the browser's stored session if it has one (a visitor who is not signed in
has none until a journey must keep state), its language, the gateway on its behalf (its token
refreshed here when due), and the helpers every page uses to answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.errors import ProblemError
from web.gateway import ApiProblem, FieldProblem
from web.resources import ServiceContext
from web.sessions import service as sessions
from web.sessions.models import WebSession

SESSION_COOKIE = "shubbak_session"
LANGUAGE_COOKIE = "shubbak_lang"
CSRF_COOKIE = "shubbak_csrf"
"""An anonymous browser's random value; its forms carry the value's HMAC (signed double submit)."""


class Redirect(ProblemError):
    """Go elsewhere (sign in first, the session is over): answered as a 303, and what the request
    did (a session ended) is still committed."""

    def __init__(self, *, to: str) -> None:
        super().__init__("web_redirect", status=303, commit=True)
        self.location = to


class CsrfRefused(Exception):
    pass


def safe_next(value: str | None, default: str = "/") -> str:
    """Only a path on this site (never `//elsewhere` or `https://...`): no open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or urlsplit(value).netloc:
        return default
    return value


@dataclass
class Visit:
    request: Request
    db: AsyncSession
    ctx: ServiceContext
    now: datetime
    lang: i18n.Language
    stored: WebSession | None
    """The session's row: None for a visitor who is not signed in and has no journey pending."""
    new_cookie: str | None = None
    new_csrf_cookie: str | None = None
    ended: bool = False
    gateway_calls: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    # -- the gateway, as this visitor ------------------------------------------------------------

    async def api(self, method: str, path: str, *, signed_in: bool = True, **kwargs: Any) -> Any:
        token = await self._token() if signed_in else None
        self.gateway_calls += 1
        try:
            return await self.ctx.resources.gateway.call(
                method, path, language=self.lang, token=token, client=self.address, **kwargs
            )
        except ApiProblem as problem:
            if problem.status == 401 and token is not None:
                await self.sign_out()
                raise Redirect(to=self.sign_in_path()) from problem
            raise

    async def _token(self) -> str | None:
        row = self.stored
        if row is None or row.access_token is None:
            return None
        if sessions.needs_refresh(row, now=self.now):
            if row.kind != "citizen" or not row.refresh_token:
                await self.sign_out()
                raise Redirect(to=self.sign_in_path())
            try:
                self.gateway_calls += 1
                tokens = await self.ctx.resources.gateway.call(
                    "POST",
                    "/v1/sessions/refresh",
                    language=self.lang,
                    json={"refresh_token": row.refresh_token},
                    client=self.address,
                )
            except ApiProblem as problem:
                await self.sign_out()
                raise Redirect(to=self.sign_in_path()) from problem
            sessions.hold(row, tokens_of(tokens), now=self.now)
        return row.access_token

    def sign_in_path(self) -> str:
        return "/staff/sign-in" if self.kind == "staff" else "/sign-in"

    # -- who is here ------------------------------------------------------------------------------

    @property
    def address(self) -> str:
        """The visitor's address (behind the proxies web believes): the gateway's and identity's
        limits count it, never web's own."""
        return self.ctx.resources.forwarding.client(self.request.scope)

    @property
    def kind(self) -> str | None:
        return self.stored.kind if self.stored is not None else None

    @property
    def row(self) -> WebSession:
        """The stored session of a page that needs one (after `require`, or a pending journey's
        step): without one the visitor starts again from the sign-in page."""
        if self.stored is None:
            raise Redirect(to=self.sign_in_path())
        return self.stored

    @property
    def flow(self) -> dict[str, Any]:
        """What a journey in progress remembers (nothing for a visitor without a stored session)."""
        return dict(self.stored.flow) if self.stored is not None else {}

    def require(self, kind: str, *roles: str) -> WebSession:
        """A citizen's page for citizens, a console page for staff with one of `roles`."""
        row = self.stored
        if row is None or row.kind != kind:
            here = self.request.url.path
            raise Redirect(to=("/staff/sign-in" if kind == "staff" else "/sign-in") + f"?next={here}")
        if roles and not set(roles) & set(row.roles):
            raise Redirect(to="/staff")
        return row

    async def keep(self, **values: Any) -> None:
        """Remember a journey's step on the server (an enrolment's or a sign-in's challenge):
        the first thing that stores a row for a visitor who is not signed in (a short one)."""
        if self.stored is None:
            lifetime = self.ctx.resources.lifetime
            self.new_cookie, self.stored = await sessions.start(self.db, now=self.now, lifetime=lifetime)
        sessions.remember(self.stored, **values)

    async def sign_in(self, *, kind: str, subject: str, name: str, roles: list[str], tokens: Any) -> None:
        cookie, row = await sessions.sign_in(
            self.db, self.stored, kind=kind, subject=subject, name=name, roles=roles, tokens=tokens_of(tokens),
            now=self.now, lifetime=self.ctx.resources.lifetime,
        )  # fmt: skip
        self.stored, self.new_cookie = row, cookie

    async def sign_out(self) -> None:
        """Forget the tokens here (the API's refresh token is revoked by the caller first)."""
        if self.stored is not None:
            await sessions.end(self.db, self.stored)
        self.ended = True

    # -- forms ------------------------------------------------------------------------------------

    @property
    def csrf(self) -> str:
        """The token this visitor's forms carry: the signed-in session's own; otherwise the HMAC
        of the browser's `shubbak_csrf` cookie (set now when it has none)."""
        if self.stored is not None and self.stored.kind:
            return self.stored.csrf
        cookie = self.request.cookies.get(CSRF_COOKIE) or self.new_csrf_cookie
        if not cookie or len(cookie) > 100:
            cookie = self.new_csrf_cookie = sessions.new_csrf_cookie()
        return sessions.signed_csrf(self._secret(), cookie)

    def _secret(self) -> str:
        return self.ctx.settings.csrf_secret.get_secret_value()

    async def form(self) -> dict[str, str]:
        """The posted form, refused unless it carries this visitor's CSRF token: a signed-in
        session's own, or the signed token of the browser's cookie (a pending journey's row
        accepts both: its form may have been shown before the row was stored)."""
        data = await self.request.form()
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        submitted, row = values.get("csrf"), self.stored
        if row is not None and sessions.csrf_ok(row, submitted):
            return values
        cookie = self.request.cookies.get(CSRF_COOKIE)
        if (row is not None and row.kind) or not sessions.signed_csrf_ok(self._secret(), cookie, submitted):
            raise CsrfRefused()
        return values

    # -- answers ----------------------------------------------------------------------------------

    def render(self, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
        page = {
            "request": self.request,
            "lang": self.lang,
            "dir": "rtl" if self.lang == "ar" else "ltr",
            "csrf": self.csrf,
            "who": self.stored,
            "path": self.request.url.path,
            "errors": [],
            "values": {},
            **values,
        }
        return self.ctx.resources.templates.TemplateResponse(self.request, template, page, status_code=status)

    def problem_page(self, problem: ApiProblem, template: str, **values: Any) -> HTMLResponse:
        """The form again, with the API's problem at the fields it names (and in the summary)."""
        errors = problem.errors or [FieldProblem(field="", reason=problem.detail or problem.title)]
        return self.render(template, status=422 if problem.status < 500 else 503, problem=problem, errors=errors,
                           **values)  # fmt: skip


def tokens_of(body: Any) -> sessions.Tokens:
    if isinstance(body, dict) and "tokens" in body and "access_token" not in body:
        body = body["tokens"]
    return sessions.Tokens(
        access_token=str(body["access_token"]),
        refresh_token=body.get("refresh_token"),
        expires_in=int(body.get("expires_in") or 300),
    )
