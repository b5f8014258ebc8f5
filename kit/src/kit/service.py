"""A service, declared once: its manifest, and the typed context its routes and handlers get.

Every service has one `manifest.py`::

    @dataclass(frozen=True)
    class Resources:                      # the service's own long-lived clients and policies
        catalog: Catalog

    async def build_resources(runtime: Runtime[Settings]) -> Resources:
        return Resources(catalog=Catalog(runtime.http, runtime.settings.catalog_url))

    manifest = Manifest(
        title="...", settings=Settings, metadata=Base.metadata, build_resources=build_resources,
        routers=[...], handlers=handlers, texts=TEXTS, sweeps=[...],
    )

and its `deps.py` names the one alias routes use: `Ctx = Annotated[Context[Settings, Resources],
Depends(kit.service.context)]`. Handlers receive an `EventContext[Settings, Resources]` (the same
context and the envelope) as their third argument; sweeps get a session and the context. The
time is `now: Now` in a route and `ctx.now()` elsewhere, so a test can move the one clock.
Only kit touches `app.state`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, cast
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n, textcheck
from kit.clock import SYSTEM, Clock
from kit.settings import ServiceSettings

if TYPE_CHECKING:
    from contracts import Envelope
    from kit.auth import TokenVerifier, Verifier, Verifiers
    from kit.messaging.consumer import Handlers
    from kit.runtime import Runtime

log = logging.getLogger("kit.service")

S = TypeVar("S", bound=ServiceSettings)
R = TypeVar("R")


@dataclass(frozen=True)
class Context(Generic[S, R]):
    """What a running service holds for its code: settings, resources, the clock."""

    settings: S
    resources: R
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()

    def for_event(self, envelope: Envelope, signed: Mapping[str, Any] | None = None) -> EventContext[S, R]:
        return EventContext(
            settings=self.settings,
            resources=self.resources,
            clock=self.clock,
            envelope=envelope,
            signed=signed if signed is not None else {},
        )

    def for_batch(self, signed: Mapping[UUID, Mapping[str, Any]]) -> BatchContext[S, R]:
        return BatchContext(settings=self.settings, resources=self.resources, clock=self.clock, signed=signed)


@dataclass(frozen=True)
class EventContext(Context[S, R]):
    """The context of one delivered event: the service's context, the event's envelope, and
    `signed`: the CloudEvent exactly as it travelled (the JSON object of the message, with its
    `signaturekid`, `signature` and, signed in a batch, `signatureproof`), which
    `contracts.signing` verifies and an archive keeps.
    Never re-serialise the envelope to get it: that would not be the signed object."""

    envelope: Envelope
    signed: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchContext(Context[S, R]):
    """The context of a batch handler: `signed` holds each event's CloudEvent as it travelled,
    by event id (see `EventContext.signed`)."""

    signed: Mapping[UUID, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Sweep(Generic[S, R]):
    """A periodic job: `run(session, ctx)` in its own transaction every `seconds(settings)`.
    Its state lives in the database, so any replica's run picks up what another left."""

    name: str
    seconds: Callable[[S], float]
    run: Callable[[AsyncSession, Context[S, R]], Awaitable[object]]


@dataclass(frozen=True)
class Manifest(Generic[S, R]):
    """Everything kit needs to build and run one service."""

    title: str
    settings: type[S]
    metadata: MetaData
    build_resources: Callable[[Runtime[S]], Awaitable[R]]
    routers: Sequence[APIRouter] = ()
    handlers: Handlers[S, R] | None = None
    texts: Mapping[str, Mapping[i18n.Language, i18n.Template]] = field(default_factory=dict)
    sweeps: Sequence[Sweep[S, R]] = ()
    verifier: Callable[[Runtime[S], R], TokenVerifier | Verifiers] | None = None
    """Only for a service that verifies tokens itself (identity, with its own keys); the others
    verify against identity's and the gateway's JWKS (`kit.app.verifiers`)."""
    start: Callable[[Runtime[S], Context[S, R]], Awaitable[None]] | None = None
    """Long-running loops of the service's own (`runtime.spawn`), once its context exists."""
    description: str = ""
    version: str = "0.1.0"
    development_routers: Sequence[APIRouter] = ()
    """Mounted only outside production: stand-ins for systems outside the state (a payment
    sandbox), which a developer or a test drives."""

    def create_app(self, settings: S | None = None, *, clock: Clock | None = None) -> FastAPI:
        """The service's app; refused when a text it shows is missing in Arabic or English."""
        from kit.app import build_app  # kit.app imports this module

        register_texts(self.texts, self.settings)
        return build_app(self, settings or self.settings(), clock or SYSTEM)


def register_texts(texts: Mapping[str, Mapping[i18n.Language, i18n.Template]], settings: type[ServiceSettings]) -> None:
    """Register a service's texts as its app is built, and refuse to build it while a text its
    code shows is missing. A Manifest does it; the gateway, an app kit does not build, calls it."""
    i18n.register(texts)
    _refuse_missing_texts(settings)


def _refuse_missing_texts(settings: type[ServiceSettings]) -> None:
    """Every problem the service's code can raise has its texts (kit's own are checked by kit's
    tests): a missing one stops the service at start, never shows a raw key to a citizen."""
    package = settings.__module__.split(".")[0]
    if package == "kit":
        return
    source = Path(sys.modules[package].__file__ or "").parent
    missing = textcheck.untexted_codes(source)
    if missing:
        raise RuntimeError(f"{package} lacks texts, so it does not start:\n" + "\n".join(missing))


def install(app: FastAPI, ctx: Context[Any, Any], verifier: Verifier | None) -> None:
    app.state.context = ctx
    if verifier is not None:
        app.state.verifier = verifier


def attach(app: FastAPI, runtime: Runtime[Any], ctx: Context[Any, Any], verifier: Verifier | None) -> None:
    """What kit's dependencies read, for an app kit does not build (the gateway's own routes
    beside its proxy): the runtime (`Session`, the operations routes), the context (`Ctx`,
    `Now`) and the verifier (`CurrentCaller`)."""
    app.state.runtime = runtime
    install(app, ctx, verifier)


def context_of(request: Request) -> Context[Any, Any]:
    """The running service's context, for code that holds the request (a dependency uses `context`)."""
    found = getattr(request.app.state, "context", None)
    if found is None:
        raise RuntimeError("the app was not built from a kit Manifest, or its lifespan has not run")
    return cast(Context[Any, Any], found)


# Dependencies are `async def` though they never await: FastAPI runs a plain `def` dependency on
# its thread pool, a hand-off to a worker thread and back on every request for a dict lookup
# (`kit.conformance` refuses a route that would).


async def context(request: Request) -> Context[Any, Any]:
    """The running service's context (routes: `Ctx = Annotated[Context[S, R], Depends(context)]`)."""
    return context_of(request)


async def current_time(request: Request) -> datetime:
    return context_of(request).now()


Now = Annotated[datetime, Depends(current_time)]
"""The request's time, from the service's one clock."""
