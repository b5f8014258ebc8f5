"""notary-svc, declared once: what kit builds and runs."""

from kit.service import Manifest
from notary.certificates import routes as certificate_routes
from notary.documents import routes as document_routes
from notary.handlers import handlers
from notary.models import Base, load_all
from notary.poa import routes as poa_routes
from notary.resources import Resources, build_resources
from notary.settings import Settings
from notary.texts import TEXTS

load_all()

manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak notary: powers of attorney and certificates",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[poa_routes.router, certificate_routes.router, document_routes.router],
    handlers=handlers,
    texts=TEXTS,
)
