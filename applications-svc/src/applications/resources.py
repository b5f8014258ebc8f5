"""What applications-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass

from applications.catalogue import Catalogue
from applications.settings import Settings
from kit.document_signing import DocumentSigner
from kit.registry import Registry
from kit.runtime import Runtime
from kit.service import Context, EventContext


@dataclass(frozen=True)
class Resources:
    signer: DocumentSigner
    """Signs issued documents (APPLICATIONS_DOCUMENT_SIGNING_KEY)."""
    registry: Registry
    """identity-svc's civil registry: the applicant's own record (with identity's internal token)."""
    catalog: Catalogue
    """catalog-svc: tariffs at publication and each application's locked fee quote."""


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    settings = runtime.settings
    return Resources(
        signer=DocumentSigner(settings.document_signing_key.get_secret_value()),
        registry=Registry(runtime.http, settings.identity_url, settings.identity_internal_token.get_secret_value()),
        catalog=Catalogue(runtime.http, settings.catalog_url, token=settings.internal_token.get_secret_value()),
    )


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
