"""Dependencies shared by the routes of payment-svc."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Header, Request

from kit.auth import Caller, CurrentCaller, Role
from kit.errors import ProblemError
from payment.providers.base import Providers as ProviderRegistry
from payment.quotes.service import QuoteVerifier
from payment.settings import Settings

REFUND_SCOPE = "payment:refund"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _settings(request: Request) -> Settings:
    return request.app.state.runtime.settings  # type: ignore[no-any-return]


def _providers(request: Request) -> ProviderRegistry:
    return request.app.state.providers  # type: ignore[no-any-return]


def _quote_verifier(request: Request) -> QuoteVerifier:
    verifier: QuoteVerifier | None = getattr(request.app.state, "quote_verifier", None)
    if verifier is None:
        raise ProblemError("service_unavailable", status=503)
    return verifier


async def _refunder(caller: CurrentCaller) -> Caller:
    if caller.has_role(Role.ADMIN) or (caller.kind == "integrator" and REFUND_SCOPE in caller.scopes):
        return caller
    raise ProblemError("forbidden", status=403)


AppSettings = Annotated[Settings, Depends(_settings)]
Providers = Annotated[ProviderRegistry, Depends(_providers)]
Quotes = Annotated[QuoteVerifier, Depends(_quote_verifier)]
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
