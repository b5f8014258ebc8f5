"""The dependencies evidence-svc's routes share: the service's context and who is calling."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from evidence.resources import ServiceContext
from kit.auth import CurrentCitizen
from kit.errors import ProblemError
from kit.service import Now, context


async def _citizen_id(caller: CurrentCitizen) -> uuid.UUID:
    try:
        return uuid.UUID(caller.subject)
    except ValueError as exc:
        raise ProblemError("forbidden", status=403) from exc


Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""
CitizenId = Annotated[uuid.UUID, Depends(_citizen_id)]

__all__ = ["CitizenId", "Ctx", "Now"]
