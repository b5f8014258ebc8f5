"""Time-driven work, checked every `tick_seconds` by whichever instance holds the lock:
scheduled rule sets that are due go live (full re-evaluation), expired appeal overrides end.
State lives in the database, so a restart loses nothing: the next tick picks up what is due."""

from __future__ import annotations

import asyncio
import logging
import zlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import transaction
from kit.runtime import Runtime
from ration.eligibility import service as eligibility
from ration.rules import service as rules

log = logging.getLogger("ration.scheduler")
LOCK = zlib.crc32(b"ration.scheduler")


async def tick(session: AsyncSession, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    if not (await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK})).scalar():
        return {"skipped": True}
    applied = await rules.apply_due(session, now=now)
    expired = await eligibility.reevaluate_expired_overrides(session, now=now)
    return {"applied": applied, "overrides_expired": expired}


async def run(runtime: Runtime, interval: float) -> None:
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
