"""The ration officer's bulk files: upload a governorate's file (the API stores its good rows at
once and re-decides the households they concern in the background), watch the progress on a
status page that refreshes itself (by script, or without one by the page's own refresh), and
download the rejected rows as CSV."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from contracts.governorates import GOVERNORATES
from kit import i18n
from web.deps import Page
from web.gateway import ApiProblem, FieldProblem
from web.pages.console import OFFICER, officer_governorate
from web.sessions import service as sessions
from web.visit import CsrfRefused, Redirect, Visit

router = APIRouter(include_in_schema=False)

KINDS = ("households", "vehicles", "electricity", "school_fees", "incomes", "land")
"""The kinds of file ration-svc takes (its `/v1/ration-imports/{kind}`)."""
MAX_BYTES = 1_000_000
"""The largest file taken through the console: every request to the platform is limited to 1 MiB
(kit's middleware, in web, the gateway and ration-svc alike), the form's other fields included."""
REMEMBERED = 10
"""The officer's latest uploads listed on the upload page (kept in their session)."""


def _too_big(page: Visit) -> str:
    return i18n.text("web.imports.too_big", page.lang, size=i18n.number(MAX_BYTES // 1000**2, page.lang))


def _form_page(page: Visit, *, values: dict[str, str], errors: list[FieldProblem], status: int = 200) -> HTMLResponse:
    own = officer_governorate(page)
    choices = [g for g in GOVERNORATES if own is None or g.code == own]
    return page.render(
        "imports.html", area="console", status=status, title=i18n.text("web.imports.title", page.lang),
        kinds=KINDS, governorates=choices, max_bytes=MAX_BYTES, too_big=_too_big(page), values=values,
        errors=errors, recent=page.row.flow.get("imports", []),
    )  # fmt: skip


@router.get("/staff/imports")
async def imports(page: Page) -> HTMLResponse:
    page.require("staff", *OFFICER)
    return _form_page(page, values={}, errors=[])


@router.post("/staff/imports")
async def upload(page: Page) -> Response:
    """One call to the API with the file as its body; the officer lands on the import's status."""
    page.require("staff", *OFFICER)
    form = await page.request.form(max_part_size=MAX_BYTES)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not sessions.csrf_ok(page.row, values.get("csrf")):
        raise CsrfRefused()
    upload = form.get("file")
    errors = _checked(page, values, upload)
    if errors or not isinstance(upload, StarletteUpload):
        return _form_page(page, values=values, errors=errors, status=422)
    body = await upload.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        return _form_page(page, values=values, errors=[FieldProblem("file", _too_big(page))], status=422)
    params = {"governorate": values["governorate"], "filename": (upload.filename or "")[:255] or None}
    try:
        found = await page.api(
            "POST", f"/v1/ration-imports/{values['kind']}", params={k: v for k, v in params.items() if v},
            content=body, content_type="text/csv; charset=utf-8",
        )  # fmt: skip
    except ApiProblem as problem:
        if problem.status >= 500:
            raise
        reasons = problem.errors or [FieldProblem("file", problem.detail or problem.title)]
        return _form_page(page, values=values, errors=reasons, status=422)
    _remember(page, found)
    raise Redirect(to=f"/staff/imports/{found['id']}")


def _checked(page: Visit, values: dict[str, str], upload: Any) -> list[FieldProblem]:
    errors = []
    if values.get("kind") not in KINDS:
        errors.append(FieldProblem("kind", i18n.text("web.required.file_kind", page.lang)))
    if values.get("governorate") not in {g.code for g in GOVERNORATES}:
        errors.append(FieldProblem("governorate", i18n.text("web.required.governorate", page.lang)))
    if not isinstance(upload, StarletteUpload) or not upload.filename or upload.size == 0:
        errors.append(FieldProblem("file", i18n.text("web.required.file", page.lang)))
    return errors


def _remember(page: Visit, found: dict[str, Any]) -> None:
    entry = {k: found.get(k) for k in ("id", "kind", "governorate", "filename", "started_at")}
    earlier = [e for e in page.row.flow.get("imports", []) if e.get("id") != found["id"]]
    sessions.remember(page.row, imports=[entry, *earlier][:REMEMBERED])


@router.get("/staff/imports/{import_id}")
async def status(page: Page, import_id: uuid.UUID) -> HTMLResponse:
    """The import's rows and its households' re-evaluation, as a progress bar: while it runs the
    page refreshes (app.js fetches it again; without scripts a <noscript> refresh does)."""
    page.require("staff", *OFFICER)
    found = await page.api("GET", f"/v1/ration-imports/{import_id}")
    total, done = int(found.get("households_to_evaluate") or 0), int(found.get("households_reevaluated") or 0)
    finished = found.get("evaluation_status") == "done"
    percent = 100 if finished or total == 0 else min(99, done * 100 // total)
    return page.render(
        "import.html", area="console", title=i18n.text("web.imports.one", page.lang), item=found,
        finished=finished, percent=percent, done=done, total=total,
    )  # fmt: skip


@router.get("/staff/imports/{import_id}/rejects")
async def rejects(page: Page, import_id: uuid.UUID) -> Response:
    """The rejected rows as the API writes them (line, field, code, reason in the page's language,
    value), downloaded as a file."""
    page.require("staff", *OFFICER)
    answer = await page.api("GET", f"/v1/ration-imports/{import_id}/rejects", raw=True)
    name = f"rejects-{import_id}.csv"
    return Response(
        answer.content, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )  # fmt: skip
