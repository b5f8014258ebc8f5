"""Dependencies shared by the routes of notary-svc."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from kit.auth import Admits, Caller, CurrentCaller, CurrentCitizen, Role, admitting
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


@admitting(Admits(citizen=True, staff=frozenset({Role.AUDITOR})))
async def _evidence_reader(caller: CurrentCaller) -> Caller:
    """A citizen (their own, `poa.service`) or an auditor (any)."""
    if caller.kind == "citizen":
        return await _citizen(caller)
    if caller.has_role(Role.AUDITOR):
        return caller
    raise ProblemError("forbidden", status=403)


Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources (signer, registry, catalog) and clock."""
Citizen = Annotated[Caller, Depends(_citizen)]
EvidenceReader = Annotated[Caller, Depends(_evidence_reader)]

__all__ = ["Citizen", "Ctx", "EvidenceReader", "Now", "citizen_id"]
