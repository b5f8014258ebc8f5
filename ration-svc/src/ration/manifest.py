"""ration-svc, declared once: what kit builds and runs."""

from kit.service import Manifest, Sweep
from ration import scheduler
from ration.appeals import routes as appeal_routes
from ration.cards import routes as card_routes
from ration.handlers import handlers
from ration.imports import routes as import_routes
from ration.models import Base, load_all
from ration.requests import routes as request_routes
from ration.resources import Resources, build_resources
from ration.rules import routes as rule_routes
from ration.settings import Settings
from ration.texts import TEXTS

load_all()

manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak ration cards: households, card services, eligibility, appeals",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[card_routes.router, request_routes.router, appeal_routes.router, rule_routes.router, import_routes.router],
    handlers=handlers,
    texts=TEXTS,
    sweeps=[
        # Due rule sets go live and expired appeal overrides end; an advisory lock lets one
        # replica do it at a time, so every replica may sweep.
        Sweep(
            "ration-scheduler",
            seconds=lambda settings: settings.tick_seconds,
            run=lambda session, ctx: scheduler.tick(session, now=ctx.now()),
        ),
    ],
    start=scheduler.start,
)
