"""Time-driven work, checked every `tick_seconds` by whichever instance holds the lock:
scheduled rule sets that are due go live (full re-evaluation), expired appeal overrides end.
Beside it, the evaluation-job worker decides the households of committed imports, one chunk per
transaction, woken when this instance commits an import and otherwise every `JOB_POLL_SECONDS`.
State lives in the database, so a restart loses nothing: the next tick picks up what is due."""

from __future__ import annotations

import asyncio
import logging
import uuid
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import after_commit, transaction
from kit.runtime import Runtime, resources_of
from ration.eligibility import service as eligibility
from ration.rules import service as rules

log = logging.getLogger("ration.scheduler")
LOCK = zlib.crc32(b"ration.scheduler")
JOB_POLL_SECONDS = 2.0
WAKE_KEY = "ration.jobs.wake"


async def tick(session: AsyncSession, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    if not (await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK})).scalar():
        return {"skipped": True}
    applied = await rules.apply_due(session, now=now)
    expired = await eligibility.reevaluate_expired_overrides(session, now=now)
    return {"applied": applied, "overrides_expired": expired}


def wake_jobs_after_commit(session: AsyncSession) -> None:
    """Start this instance's job worker as soon as the session's transaction commits (the poll
    finds the job anyway; this only saves the wait). No-op outside a service runtime (CLI)."""
    try:
        wake = resources_of(session).get(WAKE_KEY)
    except RuntimeError:
        return
    if wake is not None:
        after_commit(session, wake.set)


async def drain(
    sessions: async_sessionmaker[AsyncSession],
    *,
    job_id: uuid.UUID | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    stop: asyncio.Event | None = None,
    idle: float = 0.2,
) -> None:
    """Work evaluation jobs chunk by chunk until `job_id` is finished (or, without one, until none
    is pending). When another worker holds the jobs lock, wait for it (`idle` seconds between looks)."""
    while stop is None or not stop.is_set():
        async with transaction(sessions) as session:
            step = await eligibility.work_job(session)
        if step is not None:
            if progress is not None:
                progress(step)
            continue
        if job_id is None:
            async with transaction(sessions) as session:
                pending = (
                    await session.execute(text("SELECT count(*) FROM ration.evaluation_jobs WHERE finished_at IS NULL"))
                ).scalar_one()
        else:
            async with transaction(sessions) as session:
                pending = not await eligibility.job_finished(session, job_id=job_id)
        if not pending:
            return
        await asyncio.sleep(idle)  # another instance is working the job: wait for it to finish


async def run_jobs(runtime: Runtime) -> None:
    wake: asyncio.Event = runtime.resources.setdefault(WAKE_KEY, asyncio.Event())
    while not runtime.stop.is_set():
        wake.clear()
        try:
            while not runtime.stop.is_set():
                async with transaction(runtime.sessions) as session:
                    step = await eligibility.work_job(session)
                if step is None:
                    break
                log.info("evaluation job %(job_id)s: %(done)s/%(total)s households", step)
        except Exception:
            log.exception("evaluation job failed")
        try:
            await asyncio.wait_for(wake.wait(), timeout=JOB_POLL_SECONDS)
        except TimeoutError:
            pass


async def run(runtime: Runtime, interval: float) -> None:
    jobs = asyncio.create_task(run_jobs(runtime), name="ration-evaluation-jobs")
    runtime.tasks.append(jobs)
    while not runtime.stop.is_set():
        try:
            async with transaction(runtime.sessions) as session:
                await tick(session)
        except Exception:
            log.exception("scheduler tick failed")
        try:
            await asyncio.wait_for(runtime.stop.wait(), timeout=interval)
        except TimeoutError:
            pass
