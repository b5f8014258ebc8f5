"""Dependencies shared by the routes of notary-svc."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from kit.auth import Caller, CurrentCitizen
from kit.errors import ProblemError
from kit.service import Now, context
from notary.resources import ServiceContext


def citizen_id(caller: Caller) -> uuid.UUID:
    try:
        return uuid.UUID(caller.subject)
    except ValueError as exc:
        raise ProblemError("forbidden", status=403) from exc


async def _citizen(caller: CurrentCitizen) -> Caller:
    if not caller.national_id:
        raise ProblemError("forbidden", status=403)  # a citizen token always carries `nid`
    citizen_id(caller)
    return caller


Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources (signer, registry, catalog) and clock."""
Citizen = Annotated[Caller, Depends(_citizen)]

__all__ = ["Citizen", "Ctx", "Now", "citizen_id"]
