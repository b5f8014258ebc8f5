"""identity-svc, declared once: what kit builds and runs."""

from __future__ import annotations

import asyncio

from identity.accesslog import routes as access_log
from identity.callcentre import routes as call_centre
from identity.citizens import routes as me
from identity.dev import routes as dev
from identity.enrolment import routes as enrolment
from identity.handlers import handlers
from identity.mobilechange import routes as mobile_change
from identity.models import Base, load_all
from identity.notifications import routes as my_notifications
from identity.notifications import service as notifications
from identity.registry import routes as internal_registry
from identity.resources import Resources, ServiceContext, build_resources, verifier
from identity.sessions import routes as sessions
from identity.settings import Settings
from identity.staff import routes as staff
from identity.texts import TEXTS
from kit.db import transaction
from kit.runtime import Runtime
from kit.service import Manifest

load_all()


async def start(runtime: Runtime[Settings], ctx: ServiceContext) -> None:
    """The SMS dispatcher: queued notifications are sent a batch at a time; after a batch that
    found any the next one follows at once, else after `sms_dispatch_seconds`."""
    more = asyncio.Event()

    async def dispatch() -> None:
        async with transaction(runtime.sessions) as session:
            sent = await notifications.dispatch(session, sender=ctx.resources.sms, clock=ctx.clock)
        if sent:
            more.set()

    runtime.every(ctx.settings.sms_dispatch_seconds, dispatch, "sms-dispatcher", wake=more)


manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak identity: enrolment, OTP, registry prefill, tokens, staff",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[
        enrolment.router,
        sessions.router,
        sessions.jwks_router,
        me.router,
        mobile_change.router,
        access_log.router,
        my_notifications.router,
        staff.router,
        call_centre.router,
        dev.router,
        internal_registry.router,
    ],
    handlers=handlers,
    texts=TEXTS,
    verifier=verifier,
    start=start,
)
