"""All SQL of eligibility: running the evaluation query, reading decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import FieldError, ProblemError
from kit.messaging.outbox import binding_of, wake_relay_after_commit
from kit.repository import MAX_PAGE_SIZE, Page, Repository, decode_cursor, encode_cursor
from ration.eligibility import sql
from ration.eligibility.models import Decision


class DecisionRepository(Repository[Decision]):
    model = Decision
    order = (Decision.decided_at, Decision.id)

    async def history(self, household_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[Decision]:
        """Newest first is what citizens expect; keyset on (decided_at, id) descending."""
        query = select(Decision).where(Decision.household_id == household_id)
        return await _desc_page(self.session, query, limit=limit, cursor=cursor)


async def _desc_page(session: AsyncSession, query: Any, *, limit: int, cursor: str | None) -> Page[Decision]:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if cursor:
        at, ident = decode_cursor(cursor, 2)
        try:
            bound_at, bound_id = datetime.fromisoformat(at), uuid.UUID(ident)
        except (TypeError, ValueError) as exc:
            raise ProblemError(
                "validation_failed",
                status=422,
                errors=[
                    FieldError(field="query.cursor", reason="Invalid cursor / مؤشر غير صالح", code="invalid_cursor")
                ],
            ) from exc
        query = query.where(
            (Decision.decided_at < bound_at) | ((Decision.decided_at == bound_at) & (Decision.id < bound_id))
        )
    ordered = query.order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(limit + 1)
    rows = list((await session.scalars(ordered)).all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].decided_at.isoformat(), str(rows[-1].id)])
    return Page(items=rows, next_cursor=next_cursor)


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
