"""What notary-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass

from kit import evidence
from kit.catalog import Catalog
from kit.document_signing import DocumentSigner
from kit.registry import Registry
from kit.runtime import Runtime
from kit.service import Context, EventContext
from notary.settings import Settings


@dataclass(frozen=True)
class Resources:
    signer: DocumentSigner
    """Signs issued documents (NOTARY_DOCUMENT_SIGNING_KEY)."""
    registry: Registry
    """identity-svc's civil registry: principals, agents, families (with identity's internal token)."""
    catalog: Catalog
    """catalog-svc's locked fee quote of each order (with the platform's internal token)."""
    evidence: evidence.Evidence
    """evidence-svc's archive: the bundle of the signed events an issued power of attorney rests on."""


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    settings = runtime.settings
    return Resources(
        signer=DocumentSigner(settings.document_signing_key.get_secret_value()),
        registry=Registry(runtime.http, settings.identity_url, settings.identity_internal_token.get_secret_value()),
        catalog=Catalog(runtime.http, settings.catalog_url, token=settings.internal_token.get_secret_value()),
        evidence=evidence.archive(runtime.http, settings),
    )


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
