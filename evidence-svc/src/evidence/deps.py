"""The dependencies evidence-svc's routes share: the service's context and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from evidence.resources import ServiceContext
from kit.auth import Role, StaffOf
from kit.service import Now, context

Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""
Auditor = StaffOf(Role.AUDITOR)
"""Auditors (and administrators)."""

__all__ = ["Auditor", "Ctx", "Now"]
