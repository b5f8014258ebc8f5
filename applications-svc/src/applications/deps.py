"""The dependencies applications-svc's routes share: the service's context and who is calling."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from applications.resources import ServiceContext
from kit.auth import Caller, CurrentCitizen, Role, staff_of
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
Admin = Annotated[Caller, Depends(staff_of(Role.ADMIN))]
"""Who writes and publishes definitions (administrators; audited)."""
Reader = Annotated[Caller, Depends(staff_of(Role.CASE_OFFICER, Role.AUDITOR))]
Officer = Annotated[Caller, Depends(staff_of(Role.CASE_OFFICER))]
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page.")]
Cursor = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the previous page.")]

__all__ = ["Admin", "CitizenId", "Ctx", "Cursor", "Limit", "Now", "Officer", "Reader"]
