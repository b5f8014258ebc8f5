from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime

from kit.app import Session
from kit.auth import Caller, Role, staff_of
from kit.errors import ProblemError, responses
from payment.deps import Now
from payment.reconciliation import service
from payment.reconciliation.models import SettlementFile
from payment.reconciliation.schemas import LineOut, SettlementReport

router = APIRouter(prefix="/v1/payments/settlements", tags=["reconciliation"])

MAX_BYTES = 10 * 1024 * 1024
ProviderName = Literal["card", "wallet", "post_office", "cash_network"]


def _report(file: SettlementFile, lines: list, *, replayed: bool) -> SettlementReport:
    return SettlementReport(
        id=file.id,
        provider=file.provider,
        sha256=file.sha256,
        filename=file.filename,
        through=file.through,
        imported_at=file.imported_at,
        imported_by=file.imported_by,
        replayed=replayed,
        summary=file.summary,
        discrepancies=[LineOut.model_validate(x) for x in lines],
    )


@router.post(
    "/{provider}",
    status_code=201,
    response_model=SettlementReport,
    responses=responses(401, 403, 413, 422),
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "transaction_id,reference,amount_piastres,currency,captured_at\n"
                    "TX-2027-0001842,NTR-2027-000184,5000,EGP,2027-01-10T07:31:12Z\n",
                }
            },
            "required": True,
        }
    },
)
async def import_settlement(
    provider: ProviderName,
    request: Request,
    response: Response,
    session: Session,
    caller: Annotated[Caller, Depends(staff_of(Role.ADMIN))],
    now: Now,
    through: Annotated[AwareDatetime | None, Query(description="Captures up to here must be in the file.")] = None,
    filename: Annotated[str | None, Query(max_length=200)] = None,
) -> SettlementReport:
    """Import a provider's settlement CSV and reconcile it; the same file again changes nothing."""
    content = await request.body()
    if len(content) > MAX_BYTES:
        raise ProblemError("payload_too_large", status=413)
    file, created = await service.import_file(
        session,
        provider=provider,
        content=content,
        filename=filename,
        through=through or now,
        imported_by=f"{caller.kind}:{caller.subject}",
        now=now,
    )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    _, lines = await service.report(session, file_id=file.id)
    return _report(file, lines, replayed=not created)


@router.get(
    "/{file_id}",
    response_model=SettlementReport,
    responses=responses(401, 403, 404, 422),
    dependencies=[Depends(staff_of(Role.AUDITOR))],
)
async def get_settlement(file_id: uuid.UUID, session: Session) -> SettlementReport:
    file, lines = await service.report(session, file_id=file_id)
    return _report(file, lines, replayed=False)
