"""web, declared once: what kit builds and runs (its database holds the browsers' sessions)."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kit.service import Manifest, Sweep
from web.models import Base, load_all
from web.pages import (
    appointments,
    certificates,
    citizen,
    console,
    documents,
    notifications,
    payments,
    poa,
    public,
    ration,
    ration_imports,
    ration_requests,
    ration_rules,
    staff,
)
from web.resources import Resources, ServiceContext, build_resources
from web.sessions import service as sessions
from web.settings import Settings
from web.texts import TEXTS
from web.texts_office import OFFICE

load_all()


async def _expire_sessions(session: AsyncSession, ctx: ServiceContext) -> int:
    now: datetime = ctx.now()
    return await sessions.sweep_expired(session, now=now)


manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak web: the citizen portal and the staff console",
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[
        public.router,
        citizen.router,
        poa.router,
        certificates.router,
        payments.router,
        ration.router,
        ration_requests.router,
        appointments.router,
        notifications.router,
        documents.router,
        staff.router,
        console.router,
        ration_imports.router,
        ration_rules.router,
    ],
    texts={**TEXTS, **OFFICE},
    sweeps=[Sweep("expire-sessions", seconds=lambda s: 300.0, run=_expire_sessions)],
)
