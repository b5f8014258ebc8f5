"""Dependencies shared by catalog's routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Path, Request

from catalog.quotes.keys import QuoteKeys
from catalog.settings import Settings
from kit.auth import Caller, Role, staff_of


def get_settings(request: Request) -> Settings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, Settings)
    return settings


def get_quote_keys(request: Request) -> QuoteKeys:
    keys: QuoteKeys = request.app.state.quote_keys
    return keys


def utc_now() -> datetime:
    return datetime.now(UTC)


CatalogSettings = Annotated[Settings, Depends(get_settings)]
Keys = Annotated[QuoteKeys, Depends(get_quote_keys)]
Now = Annotated[datetime, Depends(utc_now)]
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
