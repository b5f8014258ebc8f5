"""Dependencies shared by the routes of payment-svc."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from kit.auth import Caller, CurrentCaller, Role
from kit.errors import ProblemError
from kit.service import Now, context
from payment.resources import ServiceContext

REFUND_SCOPE = "payment:refund"


async def _refunder(caller: CurrentCaller) -> Caller:
    if caller.has_role(Role.ADMIN) or (caller.kind == "integrator" and REFUND_SCOPE in caller.scopes):
        return caller
    raise ProblemError("forbidden", status=403)


Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""
Refunder = Annotated[Caller, Depends(_refunder)]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="A unique key per payment attempt; resending the same request with it is safe.",
    ),
]

__all__ = ["Ctx", "IdempotencyKey", "Now", "Refunder"]
