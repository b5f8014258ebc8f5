"""Dependencies of ration-svc's routes: its settings and identity's registry (catalog's client:
`ration.cards.routes.CatalogClient`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kit.registry import Registry
from ration.settings import Settings


def _registry(request: Request) -> Registry:
    return request.app.state.registry  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.runtime.settings  # type: ignore[no-any-return]


RegistryClient = Annotated[Registry, Depends(_registry)]
Config = Annotated[Settings, Depends(_settings)]
