"""All SQL of enrolled citizens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from identity.citizens.models import Citizen
from identity.registry.models import Person
from kit.repository import Repository


class CitizenRepository(Repository[Citizen]):
    model = Citizen
    order = (Citizen.enrolled_at, Citizen.id)

    async def by_national_id(self, national_id: str) -> Citizen | None:
        found: Citizen | None = await self.session.scalar(select(Citizen).where(Citizen.national_id == national_id))
        return found

    async def by_mobile(self, mobile: str) -> Citizen | None:
        found: Citizen | None = await self.session.scalar(select(Citizen).where(Citizen.mobile == mobile))
        return found

    async def with_person(self, citizen_id: uuid.UUID) -> tuple[Citizen, Person] | None:
        """The citizen and their registry entry."""
        row = (
            await self.session.execute(
                select(Citizen, Person)
                .join(Person, Person.national_id == Citizen.national_id)
                .where(Citizen.id == citizen_id)
            )
        ).one_or_none()
        return (row[0], row[1]) if row is not None else None

    async def add_unless_taken(self, citizen: Citizen) -> bool:
        """Insert the citizen; False (and nothing inserted) if its national ID or mobile is taken,
        whichever transaction took it first (the unique constraints decide)."""
        try:
            async with self.session.begin_nested():
                self.session.add(citizen)
        except IntegrityError:
            return False
        return True

    async def change_mobile(self, citizen: Citizen, mobile: str, *, at: datetime) -> bool:
        """Give the citizen `mobile`; False (and nothing changed) if another account holds it,
        even one that took it in a concurrent transaction."""
        try:
            async with self.session.begin_nested():
                citizen.mobile = mobile
                citizen.mobile_changed_at = at
                await self.session.flush()
        except IntegrityError:
            return False
        return True
