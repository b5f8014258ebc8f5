"""evidence-svc, declared once: what kit builds and runs."""

from sqlalchemy.ext.asyncio import AsyncSession

from evidence.archive.service import purge_expired
from evidence.bundles import routes as bundle_routes
from evidence.handlers import handlers
from evidence.models import Base, load_all
from evidence.resources import Resources, ServiceContext, build_resources
from evidence.seals.repository import SealRepository
from evidence.seals.service import seal_pending
from evidence.settings import Settings
from evidence.texts import TEXTS
from kit.service import Manifest, Sweep

load_all()


async def seal(session: AsyncSession, ctx: ServiceContext) -> None:
    key, most = ctx.resources.keys.active, ctx.settings.seal_max_events
    await seal_pending(session, key=key, now=ctx.now(), max_events=most)


async def retain(session: AsyncSession, ctx: ServiceContext) -> None:
    last = await SealRepository(session).last()
    if last is not None:
        await purge_expired(session, policy=ctx.resources.retention, sealed_through=last.last_sequence, now=ctx.now())


manifest: Manifest[Settings, Resources] = Manifest(
    title="Shubbak evidence service: the archive of signed events crossing authorities",
    description=(
        "Every event that crosses an authority boundary, kept append-only in a hash chain, its batches "
        "sealed by a signed timestamp; auditors export any set of events as a bundle that verifies offline."
    ),
    settings=Settings,
    metadata=Base.metadata,
    build_resources=build_resources,
    routers=[bundle_routes.router],
    handlers=handlers,
    texts=TEXTS,
    sweeps=[
        Sweep("seal", seconds=lambda settings: settings.seal_every_seconds, run=seal),
        Sweep("retention", seconds=lambda settings: settings.retention_every_seconds, run=retain),
    ],
)
