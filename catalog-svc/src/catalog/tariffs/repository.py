from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from catalog.tariffs.models import Tariff
from kit.repository import Repository


class TariffRepository(Repository[Tariff]):
    model = Tariff
    order = (Tariff.service_code, Tariff.version)

    async def in_force(self, service_code: str, now: datetime) -> Tariff | None:
        query = (
            select(Tariff)
            .where(Tariff.service_code == service_code, Tariff.effective_from <= now)
            .order_by(Tariff.effective_from.desc(), Tariff.version.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def upcoming(self, service_code: str, now: datetime) -> Tariff | None:
        query = (
            select(Tariff)
            .where(Tariff.service_code == service_code, Tariff.effective_from > now)
            .order_by(Tariff.effective_from, Tariff.version.desc())
            .limit(1)
        )
        return (await self.session.scalars(query)).first()

    async def all_of(self, service_code: str) -> list[Tariff]:
        query = select(Tariff).where(Tariff.service_code == service_code).order_by(Tariff.version.desc()).limit(200)
        return list((await self.session.scalars(query)).all())

    async def latest_version(self, service_code: str) -> int:
        query = select(func.coalesce(func.max(Tariff.version), 0)).where(Tariff.service_code == service_code)
        return int((await self.session.execute(query)).scalar_one())
