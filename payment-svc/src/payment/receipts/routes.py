from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from kit.app import Session
from kit.auth import CurrentCaller
from kit.errors import responses
from payment.receipts import service
from payment.receipts.schemas import Receipt

router = APIRouter(prefix="/v1/receipts", tags=["receipts"])


@router.get("/{receipt_number}", response_model=Receipt, responses=responses(401, 404, 422))
async def get_receipt(
    receipt_number: Annotated[str, Path(pattern=r"^RC-[0-9]{4}-[0-9]{8,}$")],
    caller: CurrentCaller,
    session: Session,
    request: Request,
    response: Response,
) -> Receipt:
    """The receipt of a successful payment (its citizen, auditors, admins), in the caller's language."""
    names = getattr(request.app.state, "service_names", None)
    found = await service.receipt(session, receipt_number=receipt_number, caller=caller, names=names)
    response.headers["Content-Language"] = found.language
    return found
