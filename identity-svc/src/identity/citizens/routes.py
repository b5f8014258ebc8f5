from __future__ import annotations

import uuid

from fastapi import APIRouter

from identity.citizens import service
from identity.citizens.schemas import MeOut
from kit.app import Session
from kit.auth import CurrentCitizen
from kit.errors import responses

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.get("", responses=responses(401, 403, 404))
async def get_my_record(caller: CurrentCitizen, session: Session) -> MeOut:
    """Your record as the civil registry knows it (you typed none of it)."""
    return MeOut.of(await service.profile(session, citizen_id=uuid.UUID(caller.subject)))
