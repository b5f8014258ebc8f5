"""All SQL of eligibility: running the evaluation query, reading decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from kit.messaging.outbox import binding_of, wake_relay_after_commit
from kit.repository import Page, Repository
from ration.cards.models import Household
from ration.eligibility import sql
from ration.eligibility.models import Decision
from ration.rules.models import RuleSet


class DecisionRepository(Repository[Decision]):
    model = Decision
    order = (Decision.decided_at, Decision.id)

    async def history(self, household_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[Decision]:
        """Newest first is what citizens expect; keyset on (decided_at, id) descending."""
        return await self.paginate(
            select(Decision).where(Decision.household_id == household_id), limit=limit, cursor=cursor, newest_first=True
        )


async def active_rules(session: AsyncSession) -> dict[str, Any] | None:
    """The active rule set as the evaluation query needs it, or None before the first one."""
    rule_set = await session.scalar(select(RuleSet).where(RuleSet.status == "active"))
    return None if rule_set is None else rule_set.as_data()


async def advisory_lock(session: AsyncSession, key: int, *, shared: bool = False) -> None:
    """Wait for the transaction-scoped advisory lock `key` (shared: beside other shared holders)."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    await session.execute(text(f"SELECT {function}(:k)"), {"k": key})


async def try_advisory_lock(session: AsyncSession, key: int) -> bool:
    """Take the transaction-scoped advisory lock `key` if nobody holds it."""
    return bool((await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key})).scalar())


async def lock_households(session: AsyncSession, target: sql.Target) -> None:
    """Lock the target households, in id order (so two evaluations never deadlock)."""
    await session.execute(
        text(f"SELECT h.id FROM ration.households h WHERE ({target.where}) ORDER BY h.id FOR UPDATE"),
        dict(target.params),
    )


async def expired_overrides(session: AsyncSession, now: datetime) -> list[uuid.UUID]:
    """Households whose current decision rests on an appeal override that has run out."""
    query = (
        select(Household.id)
        .join(Decision, Decision.id == Household.current_decision_id)
        .where(Decision.override_until.is_not(None), Decision.override_until <= now)
    )
    return list(await session.scalars(query))


async def run_evaluation(session: AsyncSession, query: sql.Query) -> dict[str, int]:
    row = (await session.execute(text(query.sql), query.params)).one()
    if row.notified:
        wake_relay_after_commit(session)
    return {"evaluated": int(row.evaluated), "changed": int(row.changed), "notified": int(row.notified)}


async def run_staged(session: AsyncSession, staged: sql.Staged) -> dict[str, int]:
    await session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{sql.STAGE}"))  # an earlier batch in this transaction
    await session.execute(text(staged.stage.sql), staged.stage.params)
    await session.execute(text(f"ANALYZE pg_temp.{sql.STAGE}"))  # the writes join it with the real tables
    evaluated = (await session.execute(text(staged.count.sql), staged.count.params)).scalar_one()
    row = (await session.execute(text(staged.apply.sql), staged.apply.params)).one()
    await session.execute(text(f"DROP TABLE pg_temp.{sql.STAGE}"))
    if row.notified:
        wake_relay_after_commit(session)
    return {"evaluated": int(evaluated), "changed": int(row.changed), "notified": int(row.notified)}


async def run_simulation(session: AsyncSession, query: sql.Query) -> list[Any]:
    return list((await session.execute(text(query.sql), query.params)).all())


def outbox_source(session: AsyncSession) -> str:
    return binding_of(session).source


async def create_job(
    session: AsyncSession, *, target: sql.Target, trigger: str, import_id: uuid.UUID | None
) -> tuple[uuid.UUID, int]:
    """A durable job for the active households `target` names, numbered 0..n-1; (id, n)."""
    job_id = uuid.uuid4()
    await session.execute(
        text(
            "INSERT INTO ration.evaluation_jobs (id, import_id, trigger, total)"
            " VALUES (CAST(:id AS uuid), CAST(:import_id AS uuid), :trigger, 0)"
        ),
        {"id": job_id, "import_id": import_id, "trigger": trigger[:100]},
    )
    result = await session.execute(
        text(
            "INSERT INTO ration.evaluation_targets (job_id, seq, household_id)"
            " SELECT CAST(:j AS uuid), row_number() OVER () - 1, h.id"
            f" FROM ration.households h WHERE h.status = 'active' AND ({target.where})"
        ),
        {"j": job_id, **target.params},
    )
    total = int(cast(CursorResult[Any], result).rowcount or 0)
    await session.execute(
        text(
            "UPDATE ration.evaluation_jobs SET total = CAST(:n AS bigint),"
            " finished_at = CASE WHEN CAST(:n AS bigint) = 0 THEN now() END WHERE id = :id"
        ),
        {"n": total, "id": job_id},
    )
    return job_id, total


async def next_job(session: AsyncSession, job_id: uuid.UUID | None = None) -> Any:
    """The oldest unfinished job (or `job_id` if unfinished), locked for this transaction."""
    only = "AND id = CAST(:id AS uuid)" if job_id else ""
    return (
        await session.execute(
            text(
                "SELECT id, import_id, trigger, total, next_seq, evaluated, changed, notified"
                f" FROM ration.evaluation_jobs WHERE finished_at IS NULL {only}"
                " ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
            ),
            {"id": job_id},
        )
    ).first()


def job_chunk(job_id: uuid.UUID, start: int, end: int) -> sql.Target:
    """The chunk's households. The bounds are written into the SQL, so the planner estimates the
    chunk from the statistics of `evaluation_targets` (analyzed at the job's first chunk). The
    values are a UUID and two integers rendered from their types: nothing from outside reaches
    the SQL."""
    job, first, last = uuid.UUID(str(job_id)), int(start), int(end)
    return sql.Target(
        "h.id IN (SELECT household_id FROM ration.evaluation_targets"
        f" WHERE job_id = '{job}'::uuid AND seq >= {first} AND seq < {last})",
        {},
        "job",
    )


async def advance_job(
    session: AsyncSession, job: Any, *, next_seq: int, result: dict[str, int], finished: bool
) -> None:
    """Record a chunk's progress on the job and on its import (same transaction as its decisions)."""
    params = {
        "id": job.id,
        "next_seq": next_seq,
        "evaluated": job.evaluated + result["evaluated"],
        "changed": job.changed + result["changed"],
        "notified": job.notified + result["notified"],
        "finished": finished,
    }
    await session.execute(
        text(
            "UPDATE ration.evaluation_jobs SET next_seq = :next_seq, evaluated = :evaluated, changed = :changed,"
            " notified = :notified, finished_at = CASE WHEN CAST(:finished AS boolean) THEN now() END WHERE id = :id"
        ),
        params,
    )
    if job.import_id is not None:
        await session.execute(
            text(
                "UPDATE ration.imports SET households_reevaluated = :evaluated,"
                " evaluation_status = CASE WHEN CAST(:finished AS boolean) THEN 'done' ELSE 'running' END,"
                " evaluated_at = CASE WHEN CAST(:finished AS boolean) THEN now() END WHERE id = :import_id"
            ),
            {**params, "import_id": job.import_id},
        )
    if finished:
        await session.execute(text("DELETE FROM ration.evaluation_targets WHERE job_id = :id"), {"id": job.id})


async def job_finished(session: AsyncSession, job_id: uuid.UUID) -> bool:
    finished = await session.scalar(
        text("SELECT finished_at IS NOT NULL FROM ration.evaluation_jobs WHERE id = :id"), {"id": job_id}
    )
    return bool(finished)


async def jobs_pending(session: AsyncSession) -> bool:
    pending = await session.scalar(text("SELECT count(*) FROM ration.evaluation_jobs WHERE finished_at IS NULL"))
    return bool(pending)


async def analyze(session: AsyncSession, tables: tuple[str, ...]) -> None:
    for table in tables:  # a large load changes the statistics the evaluation's joins are planned with
        await session.execute(text(f"ANALYZE {table}"))
