"""`/v1/ration-imports`: governorate files over the API, for integrators with the `ration.import`
scope and ration officers of that governorate. The body is the CSV itself, streamed into COPY."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from kit import i18n
from kit.app import Session
from kit.auth import CurrentCaller
from kit.errors import ProblemError, responses
from ration.deps import Ctx, Governorate, Importer
from ration.imports import service
from ration.imports.schemas import ImportOut

router = APIRouter(prefix="/v1/ration-imports", tags=["bulk imports"])

CSV = {
    "households": {
        "summary": "households: one card, its holder and members",
        "value": "card_number,supply_office,national_id,relation\n"
        "0112345678901,CAI-DOKKI-01,28804170123490,holder\n"
        "0112345678901,CAI-DOKKI-01,29109022111869,spouse\n",
    },
    "incomes": {
        "summary": "incomes: monthly salary in piastres",
        "value": "national_id,monthly_salary_piastres,employer\n28804170123490,650000,الهيئة القومية للبريد\n",
    },
}
"""Example files for the documentation (`kinds.py` has every kind's columns)."""


async def _body(request: Request, limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProblemError("payload_too_large", status=413)
        yield chunk


@router.post(
    "/{kind}",
    status_code=201,
    response_model=ImportOut,
    responses={**responses(401, 403, 413, 422), 200: {"model": ImportOut, "description": "Already imported"}},
    openapi_extra={
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}, "examples": CSV}}, "required": True}
    },
)
async def import_file(
    kind: str,
    governorate: Governorate,
    request: Request,
    session: Session,
    caller: Importer,
    ctx: Ctx,
    filename: Annotated[str | None, Query(max_length=255)] = None,
) -> Response:
    outcome = await service.run(
        session,
        kind=kind,
        governorate=governorate,
        chunks=_body(request, ctx.settings.import_max_bytes),
        filename=filename,
        actor=caller.subject,
        clock=ctx.clock,
        wake=ctx.resources.jobs_wake,
    )
    body = ImportOut.model_validate(outcome.record)
    body.repeated = outcome.repeated
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if outcome.repeated else 201)


@router.get("/{import_id}", response_model=ImportOut, responses=responses(401, 404, 422))
async def get_import(import_id: UUID, caller: CurrentCaller, session: Session) -> ImportOut:
    return ImportOut.model_validate(await service.visible(session, caller=caller, import_id=import_id))


@router.get(
    "/{import_id}/rejects",
    responses={
        **responses(401, 404, 422),
        200: {
            "content": {
                "text/csv": {
                    "example": "line,field,code,reason,value\n"
                    "3,national_id,invalid_national_id,ليس رقمًا قوميًا من ١٤ رقمًا,2880417012349\n"
                }
            },
            "description": "line,field,code,reason,value (the reason in the caller's language)",
        },
    },
)
async def get_rejects(import_id: UUID, caller: CurrentCaller, session: Session) -> Response:
    """The rejected rows as CSV: line, field, reason code, reason (caller's language), value."""
    record = await service.visible(session, caller=caller, import_id=import_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "field", "code", "reason", "value"])
    language = i18n.current_language()
    for row in await service.rejects(session, record=record):
        writer.writerow([row.line, row.field, row.reason, service.reject_reason(row.reason, language), row.value or ""])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8")
