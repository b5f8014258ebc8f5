"""Dependencies shared by the routes of ration-svc."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from kit.auth import Admits, Caller, CurrentCaller, Role, admitting, staff_of
from kit.errors import ProblemError
from kit.service import Now, context
from ration.imports.service import IMPORT_SCOPE
from ration.resources import ServiceContext

Governorate = Annotated[str, Query(pattern=r"^[0-9]{2}$", description="Two-digit governorate code.")]


async def _importer(caller: CurrentCaller, governorate: Governorate) -> Caller:
    """An integrator with the import scope, or a ration officer of that governorate."""
    if caller.kind == "integrator" and IMPORT_SCOPE in caller.scopes:
        return caller
    if caller.has_role(Role.RATION_OFFICER) and (Role.ADMIN in caller.roles or caller.governorate == governorate):
        return caller
    raise ProblemError("forbidden", status=403)


@admitting(Admits(citizen=True, staff=frozenset({Role.RATION_OFFICER, Role.AUDITOR})))
async def _evidence_reader(caller: CurrentCaller) -> Caller:
    """A member of the card, a ration officer or an auditor (which cards: `cards.service`)."""
    if caller.kind == "citizen" or caller.has_role(Role.RATION_OFFICER) or caller.has_role(Role.AUDITOR):
        return caller
    raise ProblemError("forbidden", status=403)


Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""
Officer = Annotated[Caller, Depends(staff_of(Role.RATION_OFFICER))]
"""A ration officer (their governorate in the token)."""
Importer = Annotated[Caller, Depends(_importer)]
EvidenceReader = Annotated[Caller, Depends(_evidence_reader)]

__all__ = ["Ctx", "EvidenceReader", "Governorate", "Importer", "Now", "Officer"]
