"""What catalog-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from catalog.quotes.keys import QuoteKeys
from catalog.settings import Settings
from kit.db import transaction
from kit.runtime import Runtime
from kit.service import Context, EventContext


@dataclass(frozen=True)
class Resources:
    keys: QuoteKeys
    """The quote-signing keys (the active private key, decrypted once; the published JWKS)."""
    quote_ttl: timedelta
    """How long a signed quote locks the price."""


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    """The keys, and an active signing key in the database before the first quote is asked for."""
    settings = runtime.settings
    keys = QuoteKeys(
        settings.quote_key_secret.get_secret_value(),
        retired_published_for=timedelta(seconds=settings.retired_key_published_seconds),
    )
    async with transaction(runtime.sessions) as session:
        await keys.active(session, now=runtime.clock.now())
    return Resources(keys=keys, quote_ttl=timedelta(seconds=settings.quote_ttl_seconds))


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
