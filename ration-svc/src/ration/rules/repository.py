"""All SQL of rule sets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kit.repository import Repository
from ration.rules.models import RuleSet


class RuleSetRepository(Repository[RuleSet]):
    model = RuleSet
    order = (RuleSet.created_at, RuleSet.id)

    async def reload(self, rule_set: RuleSet) -> None:
        """Read the row again (its server defaults)."""
        await self.session.refresh(rule_set)

    async def active(self) -> RuleSet | None:
        return await self.session.scalar(select(RuleSet).where(RuleSet.status == "active"))

    async def by_version(self, version: str) -> RuleSet | None:
        return await self.session.scalar(select(RuleSet).where(RuleSet.version == version))

    async def due(self, now: datetime) -> list[RuleSet]:
        """Scheduled rule sets whose time has come, oldest first, locked against a second applier."""
        query = (
            select(RuleSet)
            .where(RuleSet.status == "scheduled", RuleSet.effective_from <= now)
            .order_by(RuleSet.effective_from)
            .with_for_update(skip_locked=True)
        )
        return list(await self.session.scalars(query))
