"""Typed dependencies of identity's routes (what the app holds, where the caller is)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from identity.settings import Settings
from identity.sms.provider import FailoverSender

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


Config = Annotated[Settings, Depends(_settings)]
Sms = Annotated[FailoverSender, Depends(_sms)]
Keys = Annotated["KeyRing", Depends(_keys)]
ClientAddress = Annotated[str, Depends(client_address)]
