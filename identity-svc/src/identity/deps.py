"""Typed dependencies of identity's routes (what the app holds, where the caller is)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from identity.otp.service import Requester
from identity.settings import Settings
from identity.sms.provider import FailoverSender
from kit.auth import Caller
from kit.errors import ProblemError

if TYPE_CHECKING:
    from identity.sessions.keys import KeyRing


def _settings(request: Request) -> Settings:
    return request.app.state.identity_settings  # type: ignore[no-any-return]


def _sms(request: Request) -> FailoverSender:
    return request.app.state.sms  # type: ignore[no-any-return]


def _keys(request: Request) -> KeyRing:
    return request.app.state.keyring  # type: ignore[no-any-return]


def client_address(request: Request) -> str:
    """The client's address: the gateway's X-Forwarded-For, else the peer."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded.strip():
        return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


async def requester(request: Request) -> Requester:
    """A valid staff token, if one is sent (on these public routes it is optional; a bad one is
    ignored, as the gateway does), else the client address."""
    address = client_address(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    verifier = getattr(request.app.state, "verifier", None)
    if scheme.lower() != "bearer" or not token.strip() or verifier is None:
        return Requester(address)
    try:
        caller: Caller = await verifier.verify(token.strip())
    except ProblemError:
        return Requester(address)
    return Requester(address, uuid.UUID(caller.subject) if caller.kind == "staff" else None)


Config = Annotated[Settings, Depends(_settings)]
Sms = Annotated[FailoverSender, Depends(_sms)]
Keys = Annotated["KeyRing", Depends(_keys)]
ClientAddress = Annotated[str, Depends(client_address)]
Asker = Annotated[Requester, Depends(requester)]
