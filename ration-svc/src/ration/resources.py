"""What ration-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from kit import evidence
from kit.catalog import Catalog
from kit.registry import Registry
from kit.runtime import Runtime
from kit.service import Context, EventContext
from ration.settings import Settings


@dataclass(frozen=True)
class Resources:
    catalog: Catalog
    """catalog-svc: the locked fee quote of each card-service order."""
    registry: Registry
    """identity-svc's mirror of the civil registry: what proves a member request."""
    evidence: evidence.Evidence
    """evidence-svc's archive: the bundle of the signed facts a decision rests on."""
    jobs_wake: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when this instance commits an import, so its evaluation-job runner starts at once
    (the runner's poll finds the job anyway; this only saves the wait)."""


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    settings = runtime.settings
    return Resources(
        catalog=Catalog(
            runtime.http,
            settings.catalog_url,
            token=settings.internal_token.get_secret_value(),
            timeout=settings.catalog_timeout_seconds,
            attempts=settings.catalog_attempts,
        ),
        registry=Registry(
            runtime.http,
            settings.identity_url,
            settings.identity_internal_token.get_secret_value(),
            timeout=settings.identity_timeout_seconds,
            attempts=settings.identity_attempts,
        ),
        evidence=evidence.archive(runtime.http, settings),
    )


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
