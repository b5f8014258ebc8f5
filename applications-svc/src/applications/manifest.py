"""applications-svc, declared once: what kit builds and runs."""

from applications.applications import routes as application_routes
from applications.definitions import routes as definition_routes
from applications.documents import routes as document_routes
from applications.handlers import handlers
from applications.models import Base, load_all
from applications.resources import Resources, build_resources
from applications.reviews import routes as review_routes
from applications.reviews import service as reviews
from applications.settings import Settings
from applications.texts import TEXTS
from kit.service import Manifest, Sweep

load_all()

manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak applications: every other service, defined as data",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[definition_routes.router, application_routes.router, review_routes.router, document_routes.router],
    handlers=handlers,
    texts=TEXTS,
    sweeps=[
        # Applications past their service-level time are escalated (rows locked, skip-locked:
        # every replica may sweep).
        Sweep(
            "applications-escalation",
            seconds=lambda settings: settings.sweep_seconds,
            run=lambda session, ctx: reviews.escalate(session, now=ctx.now()),
        ),
    ],
)
