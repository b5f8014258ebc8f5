"""Dependencies shared by identity's routes: the service's context, the time, who asks."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request

from identity.otp.service import Requester
from identity.resources import ServiceContext
from kit.auth import get_caller
from kit.errors import ProblemError
from kit.service import Now, context


def address_of(request: Request) -> str:
    """The client's address: the gateway's X-Forwarded-For, else the peer."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded.strip():
        return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


async def client_address(request: Request) -> str:
    """`address_of` as a dependency (async: a plain `def` one would run on the thread pool)."""
    return address_of(request)


async def requester(request: Request) -> Requester:
    """A valid staff token, if one is sent (on these public routes it is optional; a bad one is
    ignored, as the gateway does), else the client address."""
    address = address_of(request)
    try:
        caller = await get_caller(request)
    except ProblemError:  # no token, or one that is not valid
        return Requester(address)
    return Requester(address, uuid.UUID(caller.subject) if caller.kind == "staff" else None)


Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""
ClientAddress = Annotated[str, Depends(client_address)]
Asker = Annotated[Requester, Depends(requester)]

__all__ = ["Asker", "ClientAddress", "Ctx", "Now"]
