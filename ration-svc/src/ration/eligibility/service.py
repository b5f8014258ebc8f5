"""Eligibility decisions: re-evaluate one household on a new fact, or many when rules change.

Every path runs the same set-based query (`eligibility.sql`). Targeted evaluations lock the
households first (so two facts about one household arriving on different streams serialise,
and the second sees the first), and hold a shared advisory lock; a batch holds it exclusively.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.ration import EligibilityChanged
from kit import telemetry
from kit.repository import Page
from ration.eligibility import repository, sql
from ration.eligibility.models import Decision
from ration.eligibility.repository import DecisionRepository

BATCH_LOCK = zlib.crc32(b"ration.eligibility.batch")


async def _run(
    session: AsyncSession, target: sql.Target, *, trigger: str, now: datetime, batch: bool = False
) -> dict[str, int]:
    """Targeted evaluations run as one statement; batches are staged (see `sql.evaluate_staged`)."""
    rules = await repository.active_rules(session)
    if rules is None:
        return {"evaluated": 0, "changed": 0, "notified": 0}
    build = sql.evaluate_staged if batch else sql.evaluate
    query = build(
        rules,
        target,
        now=now,
        trigger=trigger[:100],
        source=repository.outbox_source(session),
        headers=telemetry.inject_headers(),
        subject=EligibilityChanged.subject,
    )
    if isinstance(query, sql.Staged):
        return await repository.run_staged(session, query)
    return await repository.run_evaluation(session, query)


async def _lock_targeted(session: AsyncSession, target: sql.Target) -> None:
    await repository.advisory_lock(session, BATCH_LOCK, shared=True)
    await repository.lock_households(session, target)


async def reevaluate_households(
    session: AsyncSession, *, household_ids: Sequence[uuid.UUID], trigger: str, now: datetime
) -> dict[str, int]:
    if not household_ids:
        return {"evaluated": 0, "changed": 0, "notified": 0}
    target = sql.cards(sorted(set(household_ids)))
    await _lock_targeted(session, target)
    return await _run(session, target, trigger=trigger, now=now)


async def reevaluate_persons(
    session: AsyncSession, *, national_ids: Sequence[str], trigger: str, now: datetime
) -> dict[str, int]:
    """Re-evaluate the households these people belong to (after a fact about them)."""
    if not national_ids:
        return {"evaluated": 0, "changed": 0, "notified": 0}
    target = sql.persons(sorted(set(national_ids)))
    await _lock_targeted(session, target)
    return await _run(session, target, trigger=trigger, now=now)


async def reevaluate_batch(session: AsyncSession, *, target: sql.Target, trigger: str, now: datetime) -> dict[str, int]:
    await repository.advisory_lock(session, BATCH_LOCK)
    return await _run(session, target, trigger=trigger, now=now, batch=True)


async def reevaluate_all(session: AsyncSession, *, trigger: str, now: datetime) -> dict[str, int]:
    return await reevaluate_batch(session, target=sql.everyone(), trigger=trigger, now=now)


async def reevaluate_expired_overrides(session: AsyncSession, *, now: datetime) -> dict[str, int]:
    """Households whose appeal override has run out go back to what the rules say."""
    ids = await repository.expired_overrides(session, now)
    return await reevaluate_households(session, household_ids=ids, trigger="override_expired", now=now)


async def simulate(
    session: AsyncSession, *, rule_set: dict[str, Any], governorate: str | None, now: datetime
) -> list[Any]:
    target = sql.governorate(governorate) if governorate else sql.everyone()
    return await repository.run_simulation(session, sql.simulate(rule_set, target, now=now))


JOBS_LOCK = zlib.crc32(b"ration.eligibility.jobs")
JOB_CHUNK = 50_000
"""Households per job transaction: big enough for a set-based pass, small enough that a restart
repeats little and targeted evaluations (facts) wait at most one chunk for the batch lock."""


async def enqueue(
    session: AsyncSession, *, target: sql.Target, trigger: str, import_id: uuid.UUID | None = None
) -> tuple[uuid.UUID, int]:
    """Record a durable job to decide `target` later (an import's households): (job id, households)."""
    return await repository.create_job(session, target=target, trigger=trigger, import_id=import_id)


async def work_job(
    session: AsyncSession, *, now: datetime, job_id: uuid.UUID | None = None, chunk: int = JOB_CHUNK
) -> dict[str, Any] | None:
    """Evaluate the next chunk of the oldest unfinished job (or of `job_id`), in the caller's
    transaction. None when another worker holds the jobs lock or nothing is pending. Elected by
    an advisory lock; progress moves with the decisions, so a crash repeats at most this chunk,
    and a repeated chunk changes nothing (decisions are written only when the outcome differs)."""
    if not await repository.try_advisory_lock(session, JOBS_LOCK):
        return None
    job = await repository.next_job(session, job_id)
    if job is None:
        return None
    if job.next_seq == 0:  # the import just wrote these (and the job's targets): plan with fresh statistics
        await repository.analyze(session, ("ration.households", "ration.members", "ration.evaluation_targets"))
    end = min(job.next_seq + chunk, job.total)
    result = await reevaluate_batch(
        session, target=repository.job_chunk(job.id, job.next_seq, end), trigger=job.trigger, now=now
    )
    finished = end >= job.total
    await repository.advance_job(session, job, next_seq=end, result=result, finished=finished)
    return {"job_id": job.id, "done": end, "total": job.total, "finished": finished, **result}


async def job_finished(session: AsyncSession, *, job_id: uuid.UUID) -> bool:
    return await repository.job_finished(session, job_id)


async def jobs_pending(session: AsyncSession) -> bool:
    return await repository.jobs_pending(session)


async def history(session: AsyncSession, *, household_id: uuid.UUID, limit: int, cursor: str | None) -> Page[Decision]:
    """The household's decisions, newest first."""
    return await DecisionRepository(session).history(household_id, limit=limit, cursor=cursor)


async def decision(session: AsyncSession, decision_id: uuid.UUID | None) -> Decision | None:
    return await DecisionRepository(session).get(decision_id) if decision_id is not None else None
