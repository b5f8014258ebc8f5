from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from kit.app import create_service_app
from kit.db import transaction
from kit.runtime import Runtime
from office_routing import clock, texts  # noqa: F401 - registers the problem texts
from office_routing.appointments import routes as appointment_routes
from office_routing.appointments.service import Policy, retry_waiting
from office_routing.handlers import handlers
from office_routing.models import Base, load_all
from office_routing.offices import routes as office_routes
from office_routing.settings import Settings

log = logging.getLogger("office_routing")

load_all()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    policy = Policy.of(settings)

    async def on_startup(runtime: Runtime) -> None:
        runtime.resources["policy"] = policy  # what the booking handler applies
        runtime.spawn(_waiting_loop(runtime, policy, settings.waiting_sweep_seconds), name="waiting")

    return create_service_app(
        settings=settings,
        metadata=Base.metadata,
        routers=[office_routes.router, appointment_routes.router],
        handlers=handlers,
        title="Shubbak office routing: offices, capacity, appointments",
        on_startup=on_startup,
    )


async def _waiting_loop(runtime: Runtime, policy: Policy, every: float) -> None:
    """Orders that found no free slot are tried again; the state is in the database, so any
    replica's sweep picks them up (rows are claimed with SKIP LOCKED)."""
    while not runtime.stop.is_set():
        try:
            async with transaction(runtime.sessions) as session:
                await retry_waiting(session, policy=policy, now=clock.now())
        except Exception as exc:  # noqa: BLE001 - try again at the next sweep
            log.warning("waiting-orders sweep failed: %s", exc)
        try:
            await asyncio.wait_for(runtime.stop.wait(), every)
        except TimeoutError:
            pass
