"""`/problems/<code>`: the page every problem's `type` names, saying in Arabic and English what
happened and what to do, from the texts the services publish at their `/problems.json`
(kit.problems), merged with the gateway's own like their OpenAPI documents (cached briefly).
`Accept: application/json` gets the entry as JSON; `/problems.json` lists them all."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from gateway.openapi import Fetched
from gateway.state import Gateway
from kit import i18n
from kit import problems as own
from kit.errors import NotFound

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
AFTERWORD = {
    "ar": "تحمل الإجابة نفسها التفاصيل الخاصة بطلبك في الحقل detail، وقائمة الحقول غير الصحيحة في errors إن وجدت. "
    "إذا تواصلت معنا فاذكر رقم الطلب request_id.",
    "en": "The answer itself carries the specifics of your request in `detail`, and the fields that were wrong in "
    "`errors` if any. Quote its `request_id` if you contact us.",
}
HEADINGS = {
    "ar": ("ما الذي حدث", "ما الذي يمكنك فعله"),
    "en": ("What happened", "What to do"),
}


class ProblemTexts:
    """Every problem's texts: the gateway's own and each service's (a service that does not answer
    leaves its codes out until it does)."""

    def __init__(self, gateway: Gateway) -> None:
        self.fetched = Fetched(gateway, "/problems.json")

    async def all(self) -> dict[str, dict[str, Any]]:
        merged = own.catalogue()
        for document in (await self.fetched.all()).values():
            found = (document or {}).get("problems")
            if isinstance(found, dict):
                for code, entry in found.items():
                    if isinstance(entry, dict) and _complete(entry):
                        merged.setdefault(code, entry)
        return dict(sorted(merged.items()))


def _complete(entry: dict[str, Any]) -> bool:
    return all(
        isinstance(entry.get(part), dict) and set(i18n.SUPPORTED) <= set(entry[part]) for part in ("title", "detail")
    )


def page(code: str, entry: dict[str, Any], first: i18n.Language) -> str:
    """A page in both languages, the reader's first."""
    order = [first, *(language for language in i18n.SUPPORTED if language != first)]
    sections = "\n".join(_section(code, entry, language) for language in order)
    title = html.escape(entry["title"][first])
    return f"""<!DOCTYPE html>
<html lang="{first}" dir="{_direction(first)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; }}
section {{ margin-bottom: 2.5rem; }}
code {{ background: #f3f3f3; padding: 0 .25rem; }}
</style>
</head>
<body>
{sections}
</body>
</html>
"""


def _direction(language: i18n.Language) -> str:
    return "rtl" if language == "ar" else "ltr"


def _section(code: str, entry: dict[str, Any], language: i18n.Language) -> str:
    happened, todo = HEADINGS[language]
    title = html.escape(entry["title"][language])
    detail = html.escape(_PLACEHOLDER.sub("…", entry["detail"][language]))
    return f"""<section lang="{language}" dir="{_direction(language)}">
<h1>{title}</h1>
<p><code dir="ltr">{html.escape(code)}</code></p>
<h2>{happened}</h2>
<p>{title}.</p>
<h2>{todo}</h2>
<p>{detail}</p>
<p>{html.escape(AFTERWORD[language])}</p>
</section>"""


def router(gateway: Gateway) -> APIRouter:
    texts = ProblemTexts(gateway)
    problems = APIRouter(include_in_schema=False)

    @problems.get("/problems.json")
    async def every_problem() -> dict[str, Any]:
        return {"problems": await texts.all()}

    @problems.get("/problems/{slug}")
    async def problem_page(slug: str, request: Request) -> Response:
        code = slug.replace("-", "_")
        entry = (await texts.all()).get(code)
        if entry is None:
            raise NotFound()
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"code": code, **entry})
        return HTMLResponse(page(code, entry, i18n.current_language()), headers={"Content-Language": "ar, en"})

    return problems
