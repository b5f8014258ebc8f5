"""Pages anyone may see: the start page, the language switch, the catalogue, the public
verification of a document, and the portal's own CSS and JS."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from kit.errors import NotFound
from web.deps import Page
from web.gateway import ApiProblem
from web.visit import LANGUAGE_COOKIE, safe_next

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parents[1] / "static"
ASSETS = {"app.css": "text/css", "app.js": "text/javascript"}


@router.get("/")
async def home(page: Page) -> HTMLResponse:
    return page.render("home.html")


@router.get("/language")
async def language(page: Page, to: str = "ar", next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, "en" if to == "en" else "ar", max_age=365 * 86400, samesite="lax",
                        secure=page.ctx.settings.cookie_secure)  # fmt: skip
    return response


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in ASSETS:
        raise NotFound("web_not_found")
    return FileResponse(STATIC / name, media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=3600"})


@router.get("/services")
async def services(page: Page) -> HTMLResponse:
    found = await page.api("GET", "/v1/services", signed_in=False, params={"limit": 100})
    families: dict[str, dict[str, Any]] = {}
    for item in found["items"]:
        family = families.setdefault(
            item["family"], {"name_ar": item["family_name_ar"], "name_en": item["family_name_en"], "items": []}
        )
        family["items"].append(item)
    return page.render("services.html", families=list(families.values()))


@router.get("/services/{code}")
async def service(page: Page, code: str) -> HTMLResponse:
    detail = await page.api("GET", f"/v1/services/{code}", signed_in=False)
    rollout = await page.api("GET", f"/v1/services/{code}/rollout", signed_in=False)
    return page.render("service.html", service=detail, rollout=rollout.get("items", rollout))


@router.get("/verify")
async def verify(
    page: Page,
    number: Annotated[str, Query(max_length=60)] = "",
    code: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    """A document's public verification: from its QR code (the link carries number and code), or
    typed from the paper. No sign-in."""
    values = {"number": number, "code": code}
    if not number:
        return page.render("verify.html", values=values)
    try:
        found = await page.api(
            "GET", f"/v1/documents/{number}/verification", signed_in=False, params={"code": code} if code else None
        )
    except ApiProblem as problem:
        if problem.status >= 500:
            raise
        return page.problem_page(problem, "verify.html", values=values)
    return page.render("verified.html", document=found, values=values)
