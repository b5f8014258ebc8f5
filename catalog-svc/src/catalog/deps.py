"""Dependencies shared by catalog's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from catalog.resources import ServiceContext
from kit.auth import Caller, Role, staff_of
from kit.service import Now, context

Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""
Admin = Annotated[Caller, Depends(staff_of(Role.ADMIN))]
Auditor = Annotated[Caller, Depends(staff_of(Role.AUDITOR))]
ServiceCodePath = Annotated[
    str,
    Path(
        pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
        max_length=64,
        description="The service's catalogue code.",
        examples=["notary.poa.general"],
    ),
]
GovernoratePath = Annotated[
    str, Path(pattern=r"^[0-9]{2}$", description="Governorate code as in the national ID.", examples=["03"])
]

__all__ = ["Admin", "Auditor", "Ctx", "GovernoratePath", "Now", "ServiceCodePath"]
