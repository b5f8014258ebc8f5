"""`create_app`: web's FastAPI app (uvicorn --factory web.main:create_app): the manifest's app,
with the answers a browser needs (redirects, the session cookie, security headers)."""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kit import errors, i18n
from kit.clock import Clock
from kit.service import context_of
from web.gateway import ApiProblem
from web.manifest import manifest
from web.settings import Settings
from web.visit import CSRF_COOKIE, LANGUAGE_COOKIE, SESSION_COOKIE, CsrfRefused, Redirect, Visit

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
GATEWAY_CALLS = "X-Gateway-Calls"
"""Outside production, how many calls to the API a page cost (the browser tests hold every page
to at most three)."""


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    app = manifest.create_app(settings, clock=clock)
    app.add_exception_handler(Redirect, _redirect)  # type: ignore[arg-type]  # Starlette types handlers loosely
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.add_exception_handler(ApiProblem, _api_problem)  # type: ignore[arg-type]  # as above
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]  # as above
    app.middleware("http")(_browser)
    return app


async def _browser(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    visit: Visit | None = getattr(request.state, "visit", None)
    if visit is not None:
        secure = visit.ctx.settings.cookie_secure
        if visit.ended:
            response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
        elif visit.new_cookie:
            response.set_cookie(
                SESSION_COOKIE, visit.new_cookie, path="/", secure=secure, httponly=True, samesite="lax"
            )
        if visit.new_csrf_cookie:
            response.set_cookie(
                CSRF_COOKIE, visit.new_csrf_cookie, path="/", secure=secure, httponly=True, samesite="lax"
            )
    if visit is not None and visit.ctx.settings.environment != "production":
        response.headers[GATEWAY_CALLS] = str(visit.gateway_calls)
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.update(SECURITY_HEADERS)
        response.headers["Cache-Control"] = "no-store"
    return response


async def _redirect(request: Request, exc: Redirect) -> Response:
    return RedirectResponse(exc.location, status_code=303)


def _message_page(request: Request, status: int, title: str, detail: str) -> Response:
    """A page saying what went wrong. The request's transaction was rolled back, so the session's
    row is not read here: the page shows no signed-in navigation and no form."""
    resources = context_of(request).resources
    language = _language(request)
    page = {
        "lang": language,
        "dir": "rtl" if language == "ar" else "ltr",
        "title": title,
        "detail": detail,
        "path": request.url.path,
    }
    return resources.templates.TemplateResponse(request, "message.html", page, status_code=status)


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    language = _language(request)
    return _message_page(request, 400, i18n.text("web.csrf.title", language), i18n.text("web.csrf.detail", language))


def _language(request: Request) -> i18n.Language:
    """The page's language: the visit's, or the switch's cookie (Arabic without one)."""
    visit: Visit | None = getattr(request.state, "visit", None)
    return visit.lang if visit is not None else i18n.language_or_default(request.cookies.get(LANGUAGE_COOKIE))


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """A page for a person's browser (no such page, a method a link cannot send); problem+json,
    as every Shubbak service answers, for a client that does not ask for HTML."""
    if "text/html" not in request.headers.get("accept", ""):
        code = errors.generic_code(exc.status_code)
        return errors.problem_response(request.url.path, code=code, status=exc.status_code)
    language = _language(request)
    if exc.status_code == 404:
        title, detail = (
            i18n.text("problem.web_not_found.title", language),
            i18n.text("problem.web_not_found.detail", language),
        )
    else:
        title, detail = (
            i18n.text("web.problem.upstream.title", language),
            i18n.text("web.problem.upstream.detail", language),
        )
    return _message_page(request, exc.status_code, title, detail)


async def _api_problem(request: Request, exc: ApiProblem) -> Response:
    status = exc.status if exc.status in (403, 404, 409, 410, 503) else 502
    return _message_page(request, status, exc.title, exc.detail)
