"""What identity-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from identity.sessions.keys import KeyRing
from identity.settings import Settings
from identity.sms.provider import DevOutbox, FailoverSender, development_providers
from kit.auth import Issuer, TokenVerifier
from kit.catalog import ServiceNames
from kit.runtime import Runtime
from kit.service import Context, EventContext


@dataclass(frozen=True)
class Resources:
    keys: KeyRing
    """The JWT signing keys: identity signs with them and verifies its own tokens against them."""
    sms: FailoverSender
    """The SMS providers, with failover."""
    sms_outbox: DevOutbox
    """What the development SMS providers 'sent' (`GET /v1/dev/sms`, development only)."""
    service_names: ServiceNames
    """catalog-svc's names of services, for the SMS that name one."""


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    settings = runtime.settings
    keys = KeyRing(
        runtime.sessions,
        secret=settings.key_encryption_secret.get_secret_value(),
        publish_after_retire=timedelta(seconds=max(settings.access_token_seconds, settings.staff_token_seconds) + 60),
        clock=runtime.clock,
    )
    await keys.ensure()
    outbox = DevOutbox()
    sms = FailoverSender(
        development_providers(outbox, runtime.clock),
        timeout_seconds=settings.sms_timeout_seconds,
        pause_seconds=settings.sms_provider_pause_seconds,
    )
    names = ServiceNames(runtime.http, settings.catalog_url, timeout=settings.catalog_timeout_seconds)
    return Resources(keys=keys, sms=sms, sms_outbox=outbox, service_names=names)


def verifier(runtime: Runtime[Settings], resources: Resources) -> TokenVerifier:
    """identity verifies its own tokens against its keys directly, not over HTTP."""
    settings = runtime.settings
    return TokenVerifier(
        resources.keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience, issued_by=Issuer.IDENTITY
    )


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
