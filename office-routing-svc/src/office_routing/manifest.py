"""office-routing-svc, declared once: what kit builds and runs."""

from kit.service import Manifest, Sweep
from office_routing.appointments import routes as appointment_routes
from office_routing.appointments.service import retry_waiting
from office_routing.handlers import handlers
from office_routing.models import Base, load_all
from office_routing.offices import routes as office_routes
from office_routing.resources import Resources, build_resources
from office_routing.settings import Settings
from office_routing.texts import TEXTS

load_all()

manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak office routing: offices, capacity, appointments",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[office_routes.router, appointment_routes.router],
    handlers=handlers,
    texts=TEXTS,
    sweeps=[
        # Orders that found no free slot are tried again; rows are claimed with SKIP LOCKED,
        # so every replica may sweep.
        Sweep(
            "waiting-orders",
            seconds=lambda settings: settings.waiting_sweep_seconds,
            run=lambda session, ctx: retry_waiting(session, policy=ctx.resources.policy, now=ctx.now()),
        ),
    ],
)
