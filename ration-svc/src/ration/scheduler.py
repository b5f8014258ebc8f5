"""Time-driven work. A sweep (`tick`, every `tick_seconds`, by whichever instance holds the lock):
scheduled rule sets that are due go live (full re-evaluation), expired appeal overrides end.
Beside it, the evaluation-job runner decides the households of committed imports, one chunk per
transaction, at once when this instance commits an import (`Resources.jobs_wake`) and otherwise
every `JOB_POLL_SECONDS`. State lives in the database, so a restart loses nothing: the next run
picks up what is due."""

from __future__ import annotations

import asyncio
import logging
import uuid
import zlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.clock import Clock
from kit.db import transaction
from kit.runtime import Runtime
from ration.eligibility import repository as locks
from ration.eligibility import service as eligibility
from ration.resources import ServiceContext
from ration.rules import service as rules
from ration.settings import Settings

log = logging.getLogger("ration.scheduler")
LOCK = zlib.crc32(b"ration.scheduler")
JOB_POLL_SECONDS = 2.0


async def tick(session: AsyncSession, *, now: datetime) -> dict[str, Any]:
    """Due rule sets go live and expired overrides end; skipped while another instance ticks."""
    if not await locks.try_advisory_lock(session, LOCK):
        return {"skipped": True}
    applied = await rules.apply_due(session, now=now)
    expired = await eligibility.reevaluate_expired_overrides(session, now=now)
    return {"applied": applied, "overrides_expired": expired}


def job_step(runtime: Runtime[Settings], ctx: ServiceContext) -> Callable[[], Awaitable[None]]:
    """One chunk of the oldest unfinished evaluation job per run, in its own transaction; after a
    chunk the runner is woken again at once, so a job is worked through without waiting."""

    async def step() -> None:
        async with transaction(runtime.sessions) as session:
            done = await eligibility.work_job(session, now=ctx.now())
        if done is not None:
            log.info("evaluation job %(job_id)s: %(done)s/%(total)s households", done)
            ctx.resources.jobs_wake.set()

    return step


async def start(runtime: Runtime[Settings], ctx: ServiceContext) -> None:
    """The evaluation-job runner (the manifest's `start`): woken by an import's commit."""
    runtime.every(JOB_POLL_SECONDS, job_step(runtime, ctx), "ration-evaluation-jobs", wake=ctx.resources.jobs_wake)


async def drain(
    sessions: async_sessionmaker[AsyncSession],
    *,
    clock: Clock,
    job_id: uuid.UUID | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    idle: float = 0.2,
) -> None:
    """Work evaluation jobs chunk by chunk until `job_id` is finished (or, without one, until none
    is pending), for the command line and benchmarks (the service has its runner). When another
    worker holds the jobs lock, wait for it (`idle` seconds between looks)."""
    while True:
        async with transaction(sessions) as session:
            step = await eligibility.work_job(session, now=clock.now())
        if step is not None:
            if progress is not None:
                progress(step)
            continue
        async with transaction(sessions) as session:
            if job_id is None:
                pending = await eligibility.jobs_pending(session)
            else:
                pending = not await eligibility.job_finished(session, job_id=job_id)
        if not pending:
            return
        await asyncio.sleep(idle)  # another instance is working the job: wait for it to finish
