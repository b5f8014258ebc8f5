"""evidence-svc, declared once: what kit builds and runs."""

from evidence.bundles import routes as bundles_routes
from evidence.handlers import handlers
from evidence.models import Base, load_all
from evidence.resources import Resources, build_resources
from evidence.settings import Settings
from evidence.texts import TEXTS
from kit.service import Manifest

load_all()

manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak evidence service: the archive of signed events crossing authorities",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[bundles_routes.router],
    handlers=handlers,
    texts=TEXTS,
)
