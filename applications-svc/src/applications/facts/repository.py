"""All SQL of the read models."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from applications.facts.models import Company, Consumption, RationCard, SchoolFees, Vehicle
from applications.models import Base


class FactsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(self, table: type[Base], values: dict[str, Any], *, newer: Any = None) -> None:
        """Insert or replace a row by its primary key; with `newer`, only when that condition holds."""
        keys = [c.name for c in table.__table__.primary_key.columns]  # type: ignore[attr-defined]  # mapped class
        statement = insert(table).values(**values)
        changes = {k: v for k, v in values.items() if k not in keys}
        await self.session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes, where=newer))

    async def vehicle(self, vehicle_id: Any) -> Vehicle | None:
        return await self.session.get(Vehicle, vehicle_id, with_for_update=True, populate_existing=True)

    async def vehicles_of(self, national_id: str) -> list[Vehicle]:
        query = select(Vehicle).where(Vehicle.owner_national_id == national_id).order_by(Vehicle.plate_number)
        return list((await self.session.scalars(query)).all())

    async def ration_card_of(self, national_id: str) -> RationCard | None:
        return await self.session.get(RationCard, national_id)

    async def latest_consumption_of(self, national_id: str) -> list[Consumption]:
        query = select(Consumption).where(Consumption.subscriber_national_id == national_id)
        return list((await self.session.scalars(query)).all())

    async def school_fees_paid_by(self, national_id: str) -> list[SchoolFees]:
        query = select(SchoolFees).where(SchoolFees.guardian_national_id == national_id)
        return list((await self.session.scalars(query)).all())

    async def companies_of(self, national_id: str) -> list[Company]:
        query = (
            select(Company).where(Company.owner_national_ids.contains([national_id])).order_by(Company.registry_number)
        )
        return list((await self.session.scalars(query)).all())
