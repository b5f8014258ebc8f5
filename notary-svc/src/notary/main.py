from fastapi import FastAPI

from kit.app import create_service_app
from kit.catalog import Catalog
from kit.runtime import Runtime
from notary import texts as _texts  # noqa: F401 - registers the shared problem texts
from notary.certificates.routes import router as certificates_router
from notary.documents.routes import router as documents_router
from notary.documents.signing import DocumentSigner
from notary.handlers import build
from notary.models import Base, load_all
from notary.poa.routes import router as poa_router
from notary.settings import Settings
from notary.upstream import Registry

load_all()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    signer = DocumentSigner(settings.document_signing_key.get_secret_value())

    async def on_startup(runtime: Runtime) -> None:
        app.state.registry = Registry(
            runtime.http, settings.identity_url, settings.identity_internal_token.get_secret_value()
        )
        app.state.catalog = Catalog(
            runtime.http, settings.catalog_url, token=settings.internal_token.get_secret_value()
        )

    app = create_service_app(
        settings=settings,
        metadata=Base.metadata,
        routers=[poa_router, certificates_router, documents_router],
        handlers=build(signer),
        title="Shubbak notary: powers of attorney and certificates",
        on_startup=on_startup,
    )
    app.state.signer = signer
    return app
