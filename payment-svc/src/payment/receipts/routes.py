from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from kit.app import Session
from kit.auth import CurrentCaller
from kit.errors import responses
from payment.deps import Ctx
from payment.receipts import service
from payment.receipts.schemas import Receipt

router = APIRouter(prefix="/v1/receipts", tags=["receipts"])


@router.get("/{receipt_number}", response_model=Receipt, responses=responses(401, 404, 422))
async def get_receipt(
    receipt_number: Annotated[str, Path(pattern=r"^RC-[0-9]{4}-[0-9]{8,}$")],
    caller: CurrentCaller,
    session: Session,
    ctx: Ctx,
    response: Response,
) -> Receipt:
    """The receipt of a successful payment (its citizen, auditors, admins), in the caller's language."""
    found = await service.receipt(session, receipt_number=receipt_number, caller=caller, names=ctx.resources.names)
    response.headers["Content-Language"] = found.language
    return found
