"""Dependencies shared by the routes of office-routing-svc."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kit.auth import Caller, CurrentCaller, Role
from kit.errors import ProblemError
from kit.service import Now, context
from office_routing.resources import ServiceContext


async def _clerk(caller: CurrentCaller) -> Caller:
    """A clerk bound to an office (claim `office`), or an administrator."""
    if caller.has_role(Role.ADMIN):
        return caller
    if not (caller.has_role(Role.NOTARY_CLERK) or caller.has_role(Role.OFFICE_CLERK)) or not caller.office_id:
        raise ProblemError("forbidden", status=403)
    return caller


async def _admin(caller: CurrentCaller) -> Caller:
    if not caller.has_role(Role.ADMIN):
        raise ProblemError("forbidden", status=403)
    return caller


Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""
Clerk = Annotated[Caller, Depends(_clerk)]
Admin = Annotated[Caller, Depends(_admin)]

__all__ = ["Admin", "Clerk", "Ctx", "Now"]
