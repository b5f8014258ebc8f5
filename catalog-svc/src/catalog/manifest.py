"""catalog-svc, declared once: what kit builds and runs."""

from catalog.audit import routes as audit_routes
from catalog.catalogue import routes as catalogue_routes
from catalog.handlers import handlers
from catalog.models import Base, load_all
from catalog.quotes import routes as quote_routes
from catalog.resources import Resources, build_resources
from catalog.rollout import routes as rollout_routes
from catalog.settings import Settings
from catalog.tariffs import routes as tariff_routes
from catalog.texts import TEXTS
from kit.service import Manifest

load_all()

manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak catalog: services, fixed fees, roll-out",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[
        catalogue_routes.router,
        tariff_routes.router,
        rollout_routes.router,
        quote_routes.router,
        audit_routes.router,
    ],
    handlers=handlers,
    texts=TEXTS,
)
