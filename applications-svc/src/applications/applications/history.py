"""An application's history: one row per step, as the applicant and the officer see it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications.applications.models import Application, Step
from applications.applications.repository import StepRepository


async def step(session: AsyncSession, app: Application, name: str, *, actor: str, now: datetime, **detail: Any) -> None:
    await StepRepository(session).add(
        Step(id=uuid.uuid4(), application_id=app.id, step=name, actor=actor, detail=detail, at=now)
    )
