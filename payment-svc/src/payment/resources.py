"""What payment-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass

from kit.auth import JWKSCache
from kit.catalog import ServiceNames
from kit.runtime import Runtime
from kit.service import Context, EventContext
from payment.answers.service import Policy
from payment.providers.base import Providers
from payment.providers.sandbox import PROVIDERS, Sandbox, SandboxProvider
from payment.quotes.service import QuoteVerifier
from payment.settings import Settings


@dataclass(frozen=True)
class Resources:
    providers: Providers
    """The provider of each payment method (the sandbox's outside production)."""
    quotes: QuoteVerifier
    """Checks a signed quote against catalog's published keys."""
    names: ServiceNames
    """Services' catalogue names, for receipts."""
    policy: Policy
    """When an owning service must answer a payment, from the settings."""
    sandbox: Sandbox | None
    """The development providers (None in production, where real adapters plug in)."""

    async def aclose(self) -> None:
        if self.sandbox is not None:
            await self.sandbox.close()


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    settings = runtime.settings
    sandbox = None
    providers = Providers()  # real acquirer, wallet and cash-network adapters plug in here (none yet)
    if settings.environment != "production":
        sandbox = Sandbox(
            secrets_by_provider={p: settings.notification_secret(p) for p in PROVIDERS},
            callback_url=settings.callback_url,
            public_url=settings.public_base_url,
            http=runtime.http,
            delay_seconds=settings.sandbox_delay_seconds,
            clock=runtime.clock,
        )
        providers = Providers({p: SandboxProvider(sandbox, p) for p in PROVIDERS})
    return Resources(
        providers=providers,
        quotes=QuoteVerifier(
            JWKSCache(settings.quote_jwks_url, runtime.http),
            issuer=settings.quote_issuer,
            audience=settings.quote_audience,
        ),
        names=ServiceNames(runtime.http, settings.catalog_url),
        policy=Policy.of(settings),
        sandbox=sandbox,
    )


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
