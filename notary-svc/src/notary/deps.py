"""Typed dependencies of notary's routes: what the app holds, and the clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from kit.auth import Caller, CurrentCitizen
from kit.catalog import Catalog
from kit.errors import ProblemError
from notary.documents.signing import DocumentSigner
from notary.settings import Settings
from notary.upstream import Registry


def utcnow() -> datetime:
    return datetime.now(UTC)


def _settings(request: Request) -> Settings:
    return request.app.state.runtime.settings  # type: ignore[no-any-return]


def _signer(request: Request) -> DocumentSigner:
    return request.app.state.signer  # type: ignore[no-any-return]


def _registry(request: Request) -> Registry:
    return request.app.state.registry  # type: ignore[no-any-return]


def _catalog(request: Request) -> Catalog:
    return request.app.state.catalog  # type: ignore[no-any-return]


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


Config = Annotated[Settings, Depends(_settings)]
Signer = Annotated[DocumentSigner, Depends(_signer)]
RegistryClient = Annotated[Registry, Depends(_registry)]
CatalogClient = Annotated[Catalog, Depends(_catalog)]
Citizen = Annotated[Caller, Depends(_citizen)]
