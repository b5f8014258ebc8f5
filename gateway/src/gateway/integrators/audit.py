"""The audit trail of integrator operations: who did what, to which integrator, when."""

from __future__ import annotations

import getpass
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.integrators.models import AuditEntry


def cli_actor() -> str:
    """The operator running the CLI, as the OS knows them."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    at: datetime,
    integrator_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry in the caller's transaction (it is kept only if the operation commits)."""
    entry = AuditEntry(
        id=uuid.uuid4(),
        at=at,
        actor=actor,
        action=action,
        integrator_id=integrator_id,
        detail=detail or {},
    )
    session.add(entry)
    await session.flush()
    return entry
