"""Dependencies shared by the routes of office-routing-svc."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from kit.auth import Caller, CurrentCaller, Role
from kit.errors import ProblemError
from office_routing import clock
from office_routing.settings import Settings


def _settings(request: Request) -> Settings:
    return request.app.state.runtime.settings  # type: ignore[no-any-return]


def _now() -> datetime:
    return clock.now()


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


AppSettings = Annotated[Settings, Depends(_settings)]
Now = Annotated[datetime, Depends(_now)]
Clerk = Annotated[Caller, Depends(_clerk)]
Admin = Annotated[Caller, Depends(_admin)]
